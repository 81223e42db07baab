# A module from a git submodule that is not checked out: one note, not an error on this file.
module "redis" {
  source = "./vendor/redis"
}
