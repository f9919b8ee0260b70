# backend-arm64/local.mk — (nothing built here yet)
