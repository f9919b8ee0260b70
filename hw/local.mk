# hw/local.mk — (nothing built here yet)
