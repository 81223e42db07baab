# A local module whose folder does not exist (moved or misspelt): reported at the call.
module "sessions" { # expect: CL001
  source = "./modules/sesions"
}
