"""The public site: page models built from the loaded books, rendered with Jinja2.

Nothing here depends on MkDocs; ``generator.mkdocs_plugin`` only hands the
rendered pages to MkDocs, and the same functions run in tests.
"""
