"""Pure analytics core of crm_customer_management.

Plain functions over numpy arrays and pandas DataFrames, with no ``odoo`` import, so that
they can be unit-tested fast (top-level ``tests/``) and reused outside Odoo. The Odoo models
gather figures with set-based SQL, call these functions, and write the results back in bulk.
"""
