# tests/ir/local.mk — (nothing built here yet)
