"""Only for when production's `collectstatic` fails on a vendored file's missing source map.

`python -m prove` first runs `collectstatic` with the production storage and prints the outcome as
a figure. If that fails, it collects again with this storage, which is WhiteNoise's production
storage without the rewriting of `sourceMappingURL` comments (the one step that needs the missing
`.map` file), so the other figures can still be measured on hashed, compressed static files.
"""

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class SourceMapTolerantStorage(CompressedManifestStaticFilesStorage):
    patterns = tuple(
        (glob, tuple(p for p in rules if "sourceMappingURL" not in str(p)))
        for glob, rules in ManifestStaticFilesStorage.patterns
    )
