# bench/local.mk — (nothing built here yet)
