"""The shared services a site on several machines points to: the cache and the media storage.

Each is one URL in one variable, checked here so that a wrong value stops start-up with one
French line naming the variable, and never repeats a password or a key.
"""

from urllib.parse import parse_qs, urlsplit

from .environment import ConfigurationError, env_str, env_url

CACHE_TABLE = "relais_cache"
REDIS_SCHEMES = ("redis", "rediss", "unix")


def cache_from_environment() -> dict:
    """CACHES["default"] from CACHE_URL (or REDIS_URL, its older name); the database by default.

    Only caches every process and server shares are accepted: the rate limits, the login
    throttle and the run locks of the scheduled commands live in the cache, and a per-process
    cache (locmem) or none (dummy) would let each worker count and lock on its own.
    """
    url = env_url("CACHE_URL", "", schemes=("db", *REDIS_SCHEMES))
    older = env_url("REDIS_URL", "", schemes=REDIS_SCHEMES)
    if url and older and url != older:
        raise ConfigurationError(
            "REDIS_URL", "est l'ancien nom de CACHE_URL : n'en définissez qu'une des deux"
        )
    url = url or older
    if url.startswith(REDIS_SCHEMES):
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "relais",
        }
    table = urlsplit(url).netloc if url else ""
    if table and not table.replace("_", "").isalnum():
        raise ConfigurationError(
            "CACHE_URL", "doit nommer une table de lettres, chiffres et _ (db://relais_cache)"
        )
    return {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": table or CACHE_TABLE,
        "KEY_PREFIX": "relais",
        # Django culls the table past 300 entries by default, which would wipe rate-limit counts.
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }


S3_PARAMETERS = ("endpoint", "region", "domain")


def media_storage_from_environment(media_url: str) -> tuple[dict, str]:
    """STORAGES["default"] and MEDIA_URL from MEDIA_STORAGE_URL; the media folder by default.

    s3://BUCKET[/PREFIX]?endpoint=https://…&region=…&domain=… puts uploads on S3-compatible
    storage. The keys come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (boto3 reads them),
    never from the URL, so the URL can be shown in a message or a log without harm.
    """
    name = "MEDIA_STORAGE_URL"
    url = env_str(name, "").strip()
    if not url:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}, media_url
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        raise ConfigurationError(name, "doit être une URL s3://seau (URL illisible)") from None
    if parts.scheme != "s3":
        received = f"reçu « {parts.scheme} »" if parts.scheme else "ce n'est pas une URL"
        raise ConfigurationError(name, f"doit être une URL s3://seau ({received})")
    if "@" in parts.netloc:
        raise ConfigurationError(
            name,
            "ne doit pas contenir de clé : donnez-les par AWS_ACCESS_KEY_ID et AWS_SECRET_ACCESS_KEY",
        )
    bucket = hostname or ""
    if not bucket or not all(char.isalnum() or char in ".-" for char in bucket):
        raise ConfigurationError(name, "doit nommer un seau : s3://nom-du-seau")
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - set(S3_PARAMETERS))
    if unknown:
        raise ConfigurationError(
            name,
            f"ne connaît pas le paramètre « {unknown[0][:20]} » (seuls {', '.join(S3_PARAMETERS)})",
        )
    given = {key: values[-1].strip() for key, values in query.items()}
    endpoint = given.get("endpoint", "")
    if endpoint and (
        urlsplit(endpoint).scheme not in ("http", "https") or not urlsplit(endpoint).netloc
    ):
        raise ConfigurationError(name, "doit avoir un endpoint http(s)://hôte")
    domain = given.get("domain", "")
    if domain and not all(char.isalnum() or char in ".-:" for char in domain):
        raise ConfigurationError(name, "doit avoir un domain de la forme media.example.org")
    location = parts.path.strip("/")
    options = {
        "bucket_name": bucket,
        "location": location,
        # Wagtail names files itself and expects an upload never to replace another.
        "file_overwrite": False,
        # Plain URLs, the same for every visitor and for as long as a page stays cached: the
        # bucket's policy makes images public; documents are streamed by Django, which checks
        # who may read them (WAGTAILDOCS_SERVE_METHOD).
        "querystring_auth": False,
        "default_acl": None,
    }
    region = given.get("region", "")
    if not endpoint:
        endpoint = f"https://s3.{region}.amazonaws.com" if region else "https://s3.amazonaws.com"
    endpoint = endpoint.rstrip("/")
    # The bucket in the path, with every provider: S3-compatible services (MinIO, Garage, most
    # hosts) expect it, and the URLs stay predictable, so MEDIA_URL below is exactly theirs.
    options["endpoint_url"] = endpoint
    options["addressing_style"] = "path"
    if region:
        options["region_name"] = region
    if domain:
        options["custom_domain"] = domain
        base = f"https://{domain}"
    else:
        base = f"{endpoint}/{bucket}"
    # The Content-Security-Policy allows images from MEDIA_URL's origin.
    media_url = f"{base}/{location}/" if location else f"{base}/"
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}, media_url
