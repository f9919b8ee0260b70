# tests/system/local.mk — (nothing built here yet)
