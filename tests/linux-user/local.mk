# tests/linux-user/local.mk — (nothing built here yet)
