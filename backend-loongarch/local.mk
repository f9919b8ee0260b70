# backend-loongarch/local.mk — (nothing built here yet)
