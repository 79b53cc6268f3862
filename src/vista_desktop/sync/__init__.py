"""The sync client: sends queued, signed dossiers to an intake server (`vista_desktop.protocol`, tus 1.0
resumable uploads) and brings back their status. The only package that imports httpx and keyring.

`client` speaks HTTP and checks every answer (status AND body), `upload` drives one submission from whatever the
server already has, `credentials` keeps the password in the OS keyring. The outbox itself is `storage.outbox`;
`services.sync` joins the two.
"""
