"""The normalized cache model every source maps into, so that each rule is written once.

Field values are plain Python values, ``None`` where the source leaves a setting out (so the AWS
default applies, which the ``effective_*`` properties spell out), or ``UNKNOWN`` where the source
sets it to something cachelint cannot evaluate statically.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from cachelint.values import UNKNOWN, Symbol

# --- AWS facts the model applies (see docs/aws-facts.md for sources) ---------------------------
API_CACHE_DEFAULT_TTL = 300
API_CACHE_MAX_TTL = 3600
CLOUDFRONT_LEGACY_DEFAULT_TTL = 86400
CLOUDFRONT_LEGACY_MAX_TTL = 31536000
CLOUDFRONT_DEFAULT_ALLOWED_METHODS = ("GET", "HEAD")  # a behaviour's AllowedMethods unset
DAX_DEFAULT_TTL_MILLIS = 300000
# The DAX parameters that set a cluster's TTLs: model field -> parameter name.
DAX_TTL_PARAMETERS = {"record_ttl_millis": "record-ttl-millis",
                      "query_ttl_millis": "query-ttl-millis"}
# The maxmemory-policy of ElastiCache's default Redis OSS/Valkey parameter groups (fact 12).
DEFAULT_MAXMEMORY_POLICY = "volatile-lru"
NON_IDEMPOTENT_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class Layer(str, enum.Enum):
    CLOUDFRONT = "cloudfront"
    APIGATEWAY = "apigateway"
    ELASTICACHE = "elasticache"
    DAX = "dax"


class SourceKind(str, enum.Enum):
    """What a resource was read from: it decides the syntax a fix is shown in."""

    TERRAFORM = "terraform"  # .tf, .tf.json and plan JSON
    CLOUDFORMATION = "cloudformation"  # CloudFormation and SAM templates
    AWS = "aws"  # a live account or its snapshot
    CODE = "code"  # application code (Python, JavaScript/TypeScript, Java, Go)
    FILE = "file"  # a file as a whole (it could not be parsed)


@dataclass(frozen=True)
class Deployed:
    """A deployed resource: its ARN (or, where AWS gives none, its identifier), in an account
    and Region."""

    id: str
    account: str = ""
    region: str = ""

    @property
    def arn(self) -> str | None:
        return self.id if self.id.startswith("arn:") else None


@dataclass(frozen=True)
class Location:
    """Where a resource or a value is: a span of a file, or a deployed resource (``deployed``;
    ``path`` then shows its identifier and there are no lines)."""

    path: str
    start_line: int
    end_line: int
    deployed: Deployed | None = None

    @property
    def is_resource(self) -> bool:
        return self.deployed is not None

    @property
    def account(self) -> str:
        return self.deployed.account if self.deployed else ""

    @property
    def region(self) -> str:
        return self.deployed.region if self.deployed else ""


@dataclass(frozen=True)
class Source:
    """Where a normalized resource came from. ``fields`` maps a model field (the pointer a rule
    reports) to where that value was written; ``annotations`` are inline ``cachelint:`` marks
    and ``cachelint:*`` tags (``strongly-consistent``, ``hot``, ``store``)."""

    address: str
    type: str
    location: Location
    fields: dict[str, Location] = field(default_factory=dict, compare=False)
    annotations: frozenset[str] = frozenset()
    root: str = ""  # the root module (folder) the resource was evaluated from
    # The source's own name for each field ("cache_ttl_in_seconds", "CacheTtlInSeconds"), so
    # messages speak the user's language.
    names: dict[str, str] = field(default_factory=dict, compare=False)
    kind: SourceKind = SourceKind.FILE
    # The assumption the resource was read under, said in every message about it: a
    # CloudFormation resource whose Condition is false at the parameters' defaults is read with
    # parameter values that create it ("when condition X holds: P = v"); "" when none.
    assumes: str = ""

    def locate(self, pointer: str | None) -> Location:
        if pointer and pointer in self.fields:
            return self.fields[pointer]
        return self.location


def _known_strings(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, str) and value:
            out[key] = value
        elif isinstance(value, (list, tuple)):
            items = [v for v in value if isinstance(v, str) and v]
            if items:
                out[key] = items
    return out


@dataclass(frozen=True)
class Resource:
    kind: ClassVar[str] = ""
    layer: ClassVar[Layer]
    source: Source

    def context(self) -> dict[str, Any]:
        """What identifies the resource for a generated fix (known strings only)."""
        return {}


# --- API Gateway -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiStage(Resource):
    kind: ClassVar[str] = "apigateway.stage"
    layer: ClassVar[Layer] = Layer.APIGATEWAY
    api: str = ""
    name: Any = None
    cache_cluster_enabled: Any = None
    cache_cluster_size: Any = None
    # True if any method setting on this stage turns caching on; UNKNOWN if one might.
    any_method_caches: Any = False

    def context(self) -> dict[str, Any]:
        return _known_strings({"rest_api": self.api, "stage": self.name})


@dataclass(frozen=True)
class ApiMethodSettings(Resource):
    """One ``method settings`` entry of a stage: ``*/*`` (stage-wide) or one method's override."""

    kind: ClassVar[str] = "apigateway.method-settings"
    layer: ClassVar[Layer] = Layer.APIGATEWAY
    api: str = ""
    stage: Any = None
    method_path: Any = "*/*"
    http_method: Any = "*"
    caching_enabled: Any = None
    ttl: Any = None
    encrypted: Any = None
    require_authorization_for_cache_control: Any = None
    unauthorized_strategy: Any = None
    stage_cache_cluster_enabled: Any = UNKNOWN  # from the linked stage; UNKNOWN if not found
    # Derived by linking: True only where it is known (every method of the API was read),
    # UNKNOWN where the API's methods are known but the entry's path is not.
    orphaned: Any = False  # a "path/VERB" entry that names no method of the API
    caches_nothing: Any = False  # no request under this entry is answered from a cache
    nearest_method: Any = None  # for an orphaned entry, the closest "path/VERB" that exists

    def context(self) -> dict[str, Any]:
        return _known_strings({"rest_api": self.api, "stage": self.stage})

    @property
    def effective_ttl(self) -> Any:
        return API_CACHE_DEFAULT_TTL if self.ttl is None else self.ttl

    @property
    def caches(self) -> Any:
        """Whether this entry makes API Gateway cache: enabled with a TTL above 0."""
        if self.caching_enabled is not True:
            return self.caching_enabled if self.caching_enabled is UNKNOWN else False
        if self.ttl is UNKNOWN:
            return UNKNOWN
        return self.effective_ttl > 0


@dataclass(frozen=True)
class ApiMethod(Resource):
    """A REST API method as one stage serves it, with the cache settings it ends up with:
    its own override if there is one, else the stage-wide ``*/*`` entry, which caches GET only."""

    kind: ClassVar[str] = "apigateway.method"
    layer: ClassVar[Layer] = Layer.APIGATEWAY
    api: str = ""
    stage: Any = None
    http_method: Any = "GET"
    resource_path: Any = None
    authorization: Any = "NONE"
    authorizer_identity_sources: tuple = ()
    cache_key_parameters: Any = ()
    # The cache key parameters whose value comes from the request body (UNKNOWN: not known).
    body_key_parameters: Any = ()
    # Why its integration reads with strong consistency (cachelint.consistency), or None;
    # UNKNOWN where it cannot be told.
    consistent_read: Any = None
    # Addresses of the resources its integration calls (a Lambda function), where written.
    integration_targets: tuple = ()
    caching_enabled: Any = False
    ttl: Any = None
    settings: ApiMethodSettings | None = None

    def context(self) -> dict[str, Any]:
        route = self.route if isinstance(self.resource_path, str) else None
        return _known_strings({"rest_api": self.api, "stage": self.stage, "route": route})

    @property
    def requires_authorization(self) -> Any:
        if self.authorization is UNKNOWN:
            return UNKNOWN
        return str(self.authorization).upper() != "NONE"

    @property
    def route(self) -> str:
        return f"{self.http_method} {self.resource_path}"


@dataclass(frozen=True)
class HttpApi(Resource):
    """An API Gateway v2 HTTP API: it has no response cache."""

    kind: ClassVar[str] = "apigateway.http-api"
    layer: ClassVar[Layer] = Layer.APIGATEWAY
    name: Any = None
    protocol: Any = "HTTP"
    routes: tuple = ()

    def context(self) -> dict[str, Any]:
        return _known_strings({"http_api": self.source.address, "route": list(self.routes)})


# --- CloudFront --------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeySet:
    """Which headers/cookies/query strings are in a cache key: ``none``, ``whitelist``,
    ``allExcept`` or ``all``, with the names."""

    behavior: Any = "none"
    items: tuple = ()

    @property
    def everything(self) -> Any:
        if self.behavior is UNKNOWN:
            return UNKNOWN
        return self.behavior in ("all", "allExcept")


@dataclass(frozen=True)
class CachePolicy(Resource):
    kind: ClassVar[str] = "cloudfront.cache-policy"
    layer: ClassVar[Layer] = Layer.CLOUDFRONT
    name: Any = None
    managed: bool = False
    min_ttl: Any = 0
    default_ttl: Any = None
    max_ttl: Any = None
    headers: KeySet = KeySet()
    cookies: KeySet = KeySet()
    query_strings: KeySet = KeySet()


@dataclass(frozen=True)
class CloudFrontOrigin:
    id: Any
    domain: Any
    kind: str  # one of ORIGIN_KINDS, or "unknown"
    references: tuple = ()  # addresses of the resources its domain name is taken from
    # The kind at the template's parameter defaults where the deployer's parameters choose it
    # (``kind`` is then "unknown"); "" otherwise.
    kind_at_defaults: str = ""


ORIGIN_KINDS = frozenset({"s3", "apigateway", "lambda-url", "elb", "custom"})


# Path words that name static files, dynamic (per-request) responses, and per-viewer pages. A
# path pattern is split into words ("/wp-content/*" -> "wp-content"), so "/api*" is an API path
# and "/apiary/*" is not.
STATIC_WORDS = frozenset({"static", "assets", "asset", "images", "image", "img", "media", "fonts",
                          "css", "js", "public", "dist", "build", "wp-content", "wp-includes",
                          "uploads", "files", "favicon.ico"})
STATIC_SUFFIXES = (".js", ".css", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif",
                   ".ico", ".woff", ".woff2", ".ttf", ".mp4", ".webm", ".map", ".html")
DYNAMIC_WORDS = frozenset({"api", "graphql", "auth", "oauth", "oauth2", "login", "logout",
                           "signin", "signout", "signup", "register", "callback", "session",
                           "sessions", "account", "accounts", "cart", "checkout", "user", "users",
                           "admin", "wp-admin", "wp-login.php", "wp-json", "preview", "me",
                           "profile", "dashboard", "webhook", "webhooks", "socket.io", "ws"})
DYNAMIC_SUFFIXES = (".php", ".aspx", ".jsp", ".cgi")
PER_VIEWER_WORDS = frozenset({"account", "accounts", "user", "users", "me", "my", "profile",
                              "cart", "basket", "checkout", "order", "orders", "dashboard",
                              "settings", "session", "sessions", "wishlist", "inbox"})


def labels_of(*values: Any) -> tuple[str, ...]:
    """Known strings among descriptions and tags (a dict: its keys and values)."""
    out: list[str] = []
    for value in values:
        if isinstance(value, dict):
            out += [str(x) for kv in value.items() for x in kv if isinstance(x, str)]
        elif isinstance(value, str) and value:
            out.append(value)
    return tuple(out)


def path_words(pattern: str) -> set[str]:
    return {w for w in re.split(r"[/*?]+", pattern.lower()) if w}


@dataclass(frozen=True)
class EdgeFunction:
    """A Lambda@Edge function or CloudFront Function associated with a cache behaviour."""

    event_type: Any  # viewer-request, viewer-response, origin-request, origin-response
    runtime: str  # "lambda@edge" or "cloudfront-function"
    arn: Any = None


@dataclass(frozen=True)
class OriginRequestPolicy:
    """What an origin request policy sends to the origin besides the cache key."""

    name: Any
    managed: bool = False
    headers: KeySet = KeySet()
    cookies: KeySet = KeySet()
    query_strings: KeySet = KeySet()


@dataclass(frozen=True)
class CacheBehavior(Resource):
    """A distribution's cache behaviour with its *effective* cache key and TTLs, whether they come
    from a cache policy (custom or managed) or from legacy ``forwarded_values`` + TTLs."""

    kind: ClassVar[str] = "cloudfront.behavior"
    layer: ClassVar[Layer] = Layer.CLOUDFRONT
    distribution: str = ""
    path_pattern: Any = "*"
    allowed_methods: Any = CLOUDFRONT_DEFAULT_ALLOWED_METHODS
    origin: CloudFrontOrigin | None = None
    policy: Any = None  # CachePolicy, None (legacy settings) or UNKNOWN (unresolvable id)
    has_cache_policy_id: Any = False  # UNKNOWN when the id may or may not be set
    has_forwarded_values: Any = False  # UNKNOWN for a dynamic block with unknown for_each
    ttls_written: bool = False  # any of min/default/max_ttl written on the behaviour itself
    min_ttl: Any = 0
    default_ttl: Any = None
    max_ttl: Any = None
    headers: KeySet = KeySet()
    cookies: KeySet = KeySet()
    query_strings: KeySet = KeySet()
    # min_ttl or default_ttl written on the behaviour with a value above 0 (legacy settings)
    ttls_chosen_above_zero: Any = False
    # Lambda@Edge and CloudFront Functions; UNKNOWN where the associations cannot be read
    functions: Any = ()
    # None (no policy: only the cache key reaches the origin), a policy, or UNKNOWN
    origin_request_policy: Any = None
    # The distribution's domain name and aliases where the source says them (a live scan):
    # access logs name them.
    domains: tuple = ()

    def context(self) -> dict[str, Any]:
        values: dict[str, Any] = {"distribution": self.distribution}
        if self.origin is not None and self.origin.kind == "s3":
            domain = self.origin.domain
            values["s3_bucket"] = domain.address if isinstance(domain, Symbol) else None
            values["s3_domain"] = domain
        elif self.origin is not None:
            values["api_origin_domain"] = self.origin.domain
        return _known_strings(values)

    @property
    def legacy(self) -> Any:
        if self.has_cache_policy_id is UNKNOWN:
            return UNKNOWN
        return not self.has_cache_policy_id

    @property
    def managed_policy(self) -> Any:
        if self.policy is UNKNOWN:
            return UNKNOWN
        return isinstance(self.policy, CachePolicy) and self.policy.managed

    @property
    def caching_disabled(self) -> Any:
        ttls = (self.min_ttl, self.default_ttl, self.max_ttl)
        if any(t is UNKNOWN for t in ttls):
            return UNKNOWN
        return all((t or 0) == 0 for t in ttls) and self.max_ttl is not None

    @property
    def viewer_request_function(self) -> Any:
        """A function runs on viewer requests, before the cache: it may answer them itself."""
        if self.functions is UNKNOWN:
            return UNKNOWN
        events = [f.event_type for f in self.functions]
        if "viewer-request" in events:
            return True
        return UNKNOWN if any(not isinstance(e, str) for e in events) else False

    @property
    def function_may_answer(self) -> Any:
        """A viewer-request function may answer this behaviour's requests itself (an auth
        callback, a redirect, a page rendered at the edge), so its TTLs may never apply. In
        front of static content (an S3 origin, static paths) such a function is a gate or a
        URL rewrite: the content it lets through is cached with the behaviour's TTLs."""
        function = self.viewer_request_function
        if function is not True:
            return function
        static = self.serves_static
        if static is not True and self.origin is not None \
                and self.origin.kind_at_defaults == "s3":
            # A parameter chooses the origin: the function lets requests through to S3 in the
            # default deployment, so it is a gate, whichever origin another deployment uses.
            static = True
        if static is True:
            return False
        return True if static is False else UNKNOWN

    def _words(self) -> Any:
        return path_words(self.path_pattern) if isinstance(self.path_pattern, str) else UNKNOWN

    def _dynamic_path(self) -> Any:
        words = self._words()
        if words is UNKNOWN:
            return UNKNOWN
        return bool(words & DYNAMIC_WORDS) or self.path_pattern.lower().endswith(DYNAMIC_SUFFIXES)

    @property
    def serves_static(self) -> Any:
        """Static content: an S3 origin, or a path pattern that names static files (and no
        dynamic ones: ``/api/public/*`` is an API path)."""
        if self.origin is not None and self.origin.kind == "s3":
            return True
        words, dynamic = self._words(), self._dynamic_path()
        if words is UNKNOWN:
            return UNKNOWN
        if dynamic:
            return False
        return bool(words & STATIC_WORDS) or self.path_pattern.lower().endswith(STATIC_SUFFIXES)

    @property
    def bucket_origin(self) -> Any:
        """The origin is an S3 bucket, which never selects an object by an unknown query
        string; any other origin may (WordPress's ``?ver=`` asset versions, plugin endpoints),
        so a key on its query strings can be needed."""
        if self.origin is None or self.origin.kind not in ORIGIN_KINDS:
            return UNKNOWN
        return self.origin.kind == "s3"

    @property
    def serves_dynamic(self) -> Any:
        """Per-request responses: an API Gateway or Lambda URL origin, an API, admin, login,
        preview or callback path, or a function that handles viewer requests."""
        if self.origin is not None and self.origin.kind in ("apigateway", "lambda-url"):
            return True
        path, function = self._dynamic_path(), self.viewer_request_function
        if path is True or function is True:
            return True
        return UNKNOWN if UNKNOWN in (path, function) else False

    @property
    def meant_to_cache(self) -> Any:
        """Whether the behaviour is evidently meant to cache: static content, or TTLs above 0
        chosen on a path that is not dynamic. Forwarding everything elsewhere is the legacy
        way to turn caching off, on purpose."""
        static = self.serves_static
        if static is True:
            return True
        dynamic = self.serves_dynamic
        if dynamic is True:
            return False
        chosen = self.ttls_chosen_above_zero
        if chosen is True:
            return True
        return UNKNOWN if UNKNOWN in (static, dynamic, chosen) else False

    @property
    def forwarded_everything(self) -> str:
        """What a legacy behaviour forwards wholesale, for messages."""
        parts = [name for name, keys in (("all headers", self.headers),
                                         ("all cookies", self.cookies))
                 if keys.everything is True]
        return " and ".join(parts) or "nothing wholesale"

    @property
    def key_identifies_viewer(self) -> Any:
        """The cache key holds cookies or the Authorization header, so each viewer (or each
        session) gets its own cache entries."""
        h, c = self.headers, self.cookies
        if h.behavior is UNKNOWN or c.behavior is UNKNOWN:
            return UNKNOWN
        return c.behavior != "none" or h.behavior in ("all", "allExcept") or \
            "authorization" in {str(n).lower() for n in h.items}

    @property
    def cookies_outside_key(self) -> Any:
        """The origin request policy sends the origin cookies the cache key does not hold:
        the origin can answer per viewer while CloudFront shares the answer."""
        orp = self.origin_request_policy
        if orp is None:
            return False  # legacy settings and bare cache policies forward only the key
        if orp is UNKNOWN or orp.cookies.behavior is UNKNOWN or self.cookies.behavior is UNKNOWN:
            return UNKNOWN
        sent, key = orp.cookies, self.cookies
        if sent.behavior == "none" or key.behavior == "all":
            return False
        if sent.behavior == "whitelist" and key.behavior == "whitelist":
            return not set(sent.items) <= set(key.items)
        return True

    @property
    def per_user_path(self) -> Any:
        words = self._words()
        if words is UNKNOWN:
            return UNKNOWN
        if self.origin is not None and self.origin.kind == "s3":
            return False  # S3 answers the same object to everyone
        if words & STATIC_WORDS or self.path_pattern.lower().endswith(STATIC_SUFFIXES):
            return False  # /images/users/*: public files about users, not per-viewer pages
        return bool(words & PER_VIEWER_WORDS)

    @property
    def responses_per_viewer(self) -> Any:
        """Responses can differ per viewer while the cache key does not tell viewers apart."""
        outside, path = self.cookies_outside_key, self.per_user_path
        if outside is True:
            return True
        if path is True:
            keyed = self.key_identifies_viewer
            return UNKNOWN if keyed is UNKNOWN else not keyed
        return UNKNOWN if UNKNOWN in (outside, path) else False

    @property
    def per_viewer_reason(self) -> str:
        if self.cookies_outside_key is True:
            name = self.origin_request_policy.name or "its origin request policy"
            return f"the origin receives viewer cookies ({name}) that the cache key does not hold"
        return f"path {self.path_pattern} serves per-user pages and the cache key does not " \
               "identify the viewer"


# --- ElastiCache -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CacheParameterGroup(Resource):
    kind: ClassVar[str] = "elasticache.parameter-group"
    layer: ClassVar[Layer] = Layer.ELASTICACHE
    name: Any = None
    parameters: dict = field(default_factory=dict, compare=False)
    # What the source says the group is for: its description, tag keys and values.
    labels: tuple = ()

    @property
    def maxmemory_policy(self) -> Any:
        return self.parameters.get("maxmemory-policy")


@dataclass(frozen=True)
class CacheCluster(Resource):
    """An ElastiCache cache: a replication group, a stand-alone cluster or a serverless cache."""

    kind: ClassVar[str] = "elasticache.cache"
    layer: ClassVar[Layer] = Layer.ELASTICACHE
    name: Any = None
    deployment: str = "replication-group"  # "replication-group", "cluster" or "serverless"
    engine: Any = "redis"  # "redis", "valkey" or "memcached"
    engine_version: Any = None
    node_count: Any = 1
    automatic_failover: Any = None
    # Failover was asked for on a group of one node, which AWS refuses to create (failover
    # needs a replica): ``automatic_failover`` is then False, and messages say why.
    failover_refused: bool = False
    at_rest_encryption: Any = None  # effective, engine-aware; None where the engine cannot
    transit_encryption: Any = None
    transit_encryption_supported: Any = True
    parameter_group: Any = None  # CacheParameterGroup, None (default group) or UNKNOWN
    # What the source says the cache is for: its description, tag keys and values.
    labels: tuple = ()

    @property
    def kind_name(self) -> str:
        """The kind as messages name it, capitalised like "DAX cluster" and "Parameter group"."""
        return {"replication-group": "Replication group", "cluster": "Cache cluster",
                "serverless": "Serverless cache"}.get(self.deployment, "Cache")

    @property
    def key_value_engine(self) -> Any:
        if self.engine is UNKNOWN:
            return UNKNOWN
        return self.engine in ("redis", "valkey")

    @property
    def failover_note(self) -> str:
        if not self.failover_refused:
            return ""
        return (" (automatic failover is turned on, but with one node AWS refuses to create the "
                "group: failover needs at least one replica)")

    @property
    def transit_upgrade(self) -> str:
        """For messages: that the engine must be upgraded before TLS can be turned on."""
        if self.transit_encryption_supported is True:
            return ""
        minimum = {"memcached": "Memcached 1.6.12", "redis": "Redis OSS 4.0.10"}.get(
            self.engine if isinstance(self.engine, str) else "", "a newer engine version")
        if self.transit_encryption_supported is not False:
            if self.engine in ("memcached", "redis"):
                # The defect is known (no TLS); only the way to fix it depends on the version.
                return (f"; if its engine version (not known here) predates {minimum}, the "
                        "engine must first be upgraded")
            return ""
        return (f"; engine version {self.engine_version} cannot encrypt in transit, so the "
                f"engine must first be upgraded to {minimum} or later")


# --- DAX / DynamoDB ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DaxParameterGroup(Resource):
    kind: ClassVar[str] = "dax.parameter-group"
    layer: ClassVar[Layer] = Layer.DAX
    name: Any = None
    record_ttl_millis: Any = None
    query_ttl_millis: Any = None


@dataclass(frozen=True)
class DynamoTable(Resource):
    kind: ClassVar[str] = "dynamodb.table"
    layer: ClassVar[Layer] = Layer.DAX
    name: Any = None
    global_table: Any = False

    def context(self) -> dict[str, Any]:
        return _known_strings({"tables": [self.name]})


@dataclass(frozen=True)
class DaxCluster(Resource):
    kind: ClassVar[str] = "dax.cluster"
    layer: ClassVar[Layer] = Layer.DAX
    name: Any = None
    replication_factor: Any = None
    sse_enabled: Any = None
    endpoint_encryption: Any = None
    parameter_group: Any = None  # DaxParameterGroup, None (default.dax1.0) or UNKNOWN
    tables: tuple = ()  # DynamoTable the cluster's role grants access to
    any_table: Any = False  # True where the role grants every table ("*"): tables is partial

    def context(self) -> dict[str, Any]:
        return _known_strings({"cluster": self.name,
                               "tables": [t.name for t in self.tables]})

    @property
    def record_ttl_millis(self) -> Any:
        return self._ttl("record_ttl_millis")

    @property
    def query_ttl_millis(self) -> Any:
        return self._ttl("query_ttl_millis")

    def _ttl(self, name: str) -> Any:
        if self.parameter_group is None:
            return None
        if self.parameter_group is UNKNOWN:
            return UNKNOWN
        return getattr(self.parameter_group, name)


# --- Compute that runs application code ----------------------------------------------------------


@dataclass(frozen=True)
class Function(Resource):
    """A Lambda function, or an ECS task definition's container: application code run with an
    environment. Read only when the scan holds application code (cachelint.code)."""

    kind: ClassVar[str] = "compute.function"
    name: Any = None
    # Variable name -> value as the source sets it: a string, a Symbol (a reference to another
    # resource's attribute: a table's name, a cache's endpoint) or UNKNOWN. UNKNOWN as a whole
    # where the variables cannot be read.
    environment: Any = field(default_factory=dict, compare=False)
    code_paths: tuple = ()  # absolute folders or files holding its source (CodeUri, source_dir)
    # ECS: the largest desired_count of the services that run the task definition (an int),
    # None where no service of the scan runs it or for a Lambda function, UNKNOWN where a
    # service's count is not known.
    replicas: Any = field(default=None, compare=False)


@dataclass(frozen=True)
class SourceFile(Resource):
    """A file as a whole, for findings about the file itself (it could not be parsed)."""

    kind: ClassVar[str] = "file"


KINDS: dict[str, type[Resource]] = {
    cls.kind: cls for cls in (ApiStage, ApiMethodSettings, ApiMethod, HttpApi, CachePolicy,
                              CacheBehavior, CacheParameterGroup, CacheCluster, DaxParameterGroup,
                              DynamoTable, DaxCluster, Function)
}


@dataclass(frozen=True)
class Evidence:
    """Measured traffic of one resource over a window, and where the figures come from.

    Rates are per second, averaged over the window. ``None`` where the source has no figure."""

    window_seconds: float
    basis: str  # "CloudWatch AWS/ApiGateway Count, 7 days", for messages
    requests: float | None = None  # total requests in the window
    cache_hits: float | None = None
    cache_misses: float | None = None
    hit_rate_percent: float | None = None  # CloudFront CacheHitRate (additional metrics)
    read_units: float | None = None  # DynamoDB consumed read capacity units in the window
    write_units: float | None = None
    integration_latency_ms: float | None = None
    distinct_keys: int | None = None  # access logs: distinct cache keys seen
    peak_per_second: int | None = None
    replays: tuple = ()  # access logs: cachelint.traffic.replay.Replay per candidate TTL

    def replay_at(self, ttl: float):
        return next((r for r in self.replays if r.ttl == ttl), None)

    def rate(self, total: float | None) -> float | None:
        return None if total is None or self.window_seconds <= 0 else total / self.window_seconds

    @property
    def requests_per_second(self) -> float | None:
        return self.rate(self.requests)

    @property
    def hit_ratio(self) -> float | None:
        """Hits over cache lookups (API Gateway), or CloudFront's own hit rate."""
        if self.cache_hits is not None and self.cache_misses is not None:
            lookups = self.cache_hits + self.cache_misses
            return self.cache_hits / lookups if lookups else None
        if self.hit_rate_percent is not None:
            return self.hit_rate_percent / 100
        return None


@dataclass
class Inventory:
    """Everything one scan found, from every source."""

    resources: list[Resource] = field(default_factory=list)
    errors: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: int = 0
    directives: list = field(default_factory=list)  # suppression directives (suppressions.py)
    evidence: dict[str, Evidence] = field(default_factory=dict)  # by resource address
    # What a live scan could not read (AccessDenied, timeouts, disabled regions): incomplete.
    warnings: list[str] = field(default_factory=list)
    # Root folders that are Terraform modules called from elsewhere in the scan, checked alone
    # with their own defaults: rules see their resources, views of what is deployed do not.
    alone_roots: set[str] = field(default_factory=set)
    # Inputs given for the scan that no source declares: ("variable" | "parameter", name).
    undeclared: set = field(default_factory=set)
    templates: list[str] = field(default_factory=list)  # template files found, not scanned
    code: list = field(default_factory=list)  # cachelint.code.model.CodeFile, parsed

    def of(self, kind: type) -> list:
        return [r for r in self.resources if isinstance(r, kind)]

    def deployed(self) -> Inventory:
        """This inventory without the module folders checked alone (what callers deploy)."""
        if not self.alone_roots:
            return self
        return replace(self, resources=[r for r in self.resources
                                        if r.source.root not in self.alone_roots])

    def merge(self, other: Inventory) -> None:
        self.resources.extend(other.resources)
        self.errors.extend(other.errors)
        self.notes.extend(other.notes)
        self.files += other.files
        self.directives.extend(other.directives)
        self.evidence.update(other.evidence)
        self.warnings.extend(other.warnings)
        self.alone_roots |= other.alone_roots
        self.undeclared |= other.undeclared
        self.templates.extend(t for t in other.templates if t not in self.templates)
        self.code.extend(other.code)
