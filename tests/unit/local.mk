# tests/unit/local.mk — Check unit tests, one runner per module. Each
# section below belongs to one module; add a runner to TESTS in its section.

# --- jit: text form and verifier ---

# --- jit: optimizer ---

# --- jit: interpreter ---

# --- jit: register allocator and exec ---

# --- frontend-x86 ---

# --- backends ---

# --- linux-user ---

# --- system / hw ---
