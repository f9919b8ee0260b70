# backend-x86_64/local.mk — (nothing built here yet)
