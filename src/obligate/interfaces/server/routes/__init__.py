"""The HTTP routes, one module per resource, each a function building an ``APIRouter`` over
the live rule base (create_app includes them in this order, which is the order of the
OpenAPI document's paths):

answers.py   POST /v1/determine, /v1/explain
harmonise.py POST /v1/compare, /v1/checklist
rulebase.py  GET /v1/jurisdictions[/{code}], /v1/duties/{id}, /v1/vocabulary, /v1/rulebase
terms.py     GET /v1/terms[/{term}]
service.py   GET /healthz, the web page at / and its files under /web
"""
