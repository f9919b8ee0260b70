# frontend-x86/local.mk — (nothing built here yet)
