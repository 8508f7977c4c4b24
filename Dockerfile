# One image for web, worker and beat. Build: docker compose build
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=marketplace.settings.production

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# collectstatic needs a key at build time only; production still refuses to start without its own.
RUN SECRET_KEY=build-only-$(head -c 48 /dev/urandom | base64 | tr -d '/+=') ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput \
 && useradd --create-home --uid 1000 app && mkdir -p /app/var/uploads && chown -R app /app/var
USER app
EXPOSE 8000
CMD ["gunicorn", "marketplace.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
