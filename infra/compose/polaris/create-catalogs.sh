#!/bin/sh
# Create Polaris's catalogs on the project bucket: `movies` (silver, under s3://$MOVIES_BUCKET/lake)
# and `warehouse` (the dbt trino target's tables). Safe to run again: an existing catalog is kept.
# The root principal's token comes from Polaris's OAuth2 endpoint; no secret is printed.
set -eu
POLARIS=http://polaris:8181
token=$(curl --silent --fail-with-body "$POLARIS/api/catalog/v1/oauth/tokens" \
  --user "$POLARIS_CLIENT_ID:$POLARIS_CLIENT_SECRET" \
  --data grant_type=client_credentials --data scope=PRINCIPAL_ROLE:ALL \
  | sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "no token from Polaris" >&2; exit 1; }

create_catalog() {  # name, base location
  status=$(curl --silent --output /dev/null --write-out '%{http_code}' \
    -H "Authorization: Bearer $token" "$POLARIS/api/management/v1/catalogs/$1")
  if [ "$status" = 200 ]; then
    echo "catalog $1 exists"
    return
  fi
  curl --silent --fail-with-body -X POST "$POLARIS/api/management/v1/catalogs" \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"catalog\": {\"name\": \"$1\", \"type\": \"INTERNAL\",
         \"properties\": {\"default-base-location\": \"$2\"},
         \"storageConfigInfo\": {\"storageType\": \"S3\", \"allowedLocations\": [\"$2\"],
           \"endpoint\": \"http://127.0.0.1:9000\", \"endpointInternal\": \"http://minio:9000\",
           \"pathStyleAccess\": true}}}"
  # The root principal's catalog_admin role may then write tables, not just manage the catalog.
  curl --silent --fail-with-body -X PUT \
    "$POLARIS/api/management/v1/catalogs/$1/catalog-roles/catalog_admin/grants" \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d '{"grant": {"type": "catalog", "privilege": "CATALOG_MANAGE_CONTENT"}}'
  echo "catalog $1 created at $2"
}

create_catalog movies "s3://$MOVIES_BUCKET/lake"
create_catalog warehouse "s3://$MOVIES_BUCKET/warehouse"
