"""The production settings, with the two things the proof harness needs and nothing else.

- `STATIC_ROOT`: a temporary `collectstatic` (production serves hashed, compressed files through
  WhiteNoise's manifest storage, so pages need the manifest); set by `python -m prove`.
- `ROOT_URLCONF`: the project's URLs plus `/prove/bare`, a trivial view behind the same middleware,
  the floor the load test compares our pages with.

Everything else (security middleware, secure cookies, HSTS, DEBUG off, the 500 handler) is
`marketplace.settings.production` as deployed, configured from the environment.
"""

from marketplace.settings.production import *  # noqa: F403
from marketplace.settings.production import env

STATIC_ROOT = env.path("PROVE_STATIC_ROOT")
ROOT_URLCONF = "prove.urls"

if env.bool("PROVE_STATIC_SOURCEMAP_WORKAROUND", default=False):
    STORAGES = {
        **STORAGES,  # noqa: F405
        "staticfiles": {"BACKEND": "prove.storage.SourceMapTolerantStorage"},
    }
