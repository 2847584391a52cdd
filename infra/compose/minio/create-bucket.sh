#!/bin/sh
# Create the project bucket on the compose MinIO; safe to run again.
set -eu
mc alias set local http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"
mc mb --ignore-existing "local/$MOVIES_BUCKET"
