"""LTI 1.3 (issue #20): pmpath as a tool inside an LMS.

- :mod:`.claims`: the claim names, message types and role URIs of LTI 1.3 core, and how
  platform roles map to pmpath's site roles (pure).
- :mod:`.keys`: the tool's RSA keys, their JWKs and how long a retired key stays published.
- :mod:`.tool_conf`: pylti1p3's tool configuration over the registered platforms.
- :mod:`.adapters`: pylti1p3's request, cookie, session and redirect abstractions for FastAPI,
  with state, nonce and launch data kept in the database (several app processes work).

Signing and verifying JWTs is pylti1p3's (PyJWT, jwcrypto); nothing here hand-writes JOSE.
"""
