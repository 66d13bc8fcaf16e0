from datetime import date

import numpy as np
import pandas as pd

from odoo import SUPERUSER_ID, api
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged

from ..tools.sql import copy_float8, decode_float8, query_frame, query_frames_parallel


@tagged("post_install", "-at_install", "crm_customer_management")
class TestSqlTools(TransactionCase):
    """The plain SQL helpers for real: the parallel gather on connections of its own over
    one exported snapshot (it reads committed data only, so it runs on a cursor of its own,
    not the test's), and the binary COPY loader round trip."""

    def setUp(self):
        super().setUp()
        # a connection outside the test's transaction, read-only use, rolled back
        self.aside = db_connect(self.env.cr.dbname).cursor()
        self.addCleanup(self.aside.close)
        self.addCleanup(self.aside.rollback)
        self.aside_env = api.Environment(self.aside, SUPERUSER_ID, {})

    def test_parallel_gather_reads_the_same_as_one_connection(self):
        queries = [
            "SELECT model_id AS partner_id, COUNT(*) AS fields FROM ir_model_fields GROUP BY 1",
            "SELECT model_id AS partner_id, COUNT(*) FILTER (WHERE store) AS stored"
            " FROM ir_model_fields GROUP BY 1",
            "SELECT id AS partner_id, LENGTH(model) AS name_length FROM ir_model"
            " WHERE id > %(min_id)s",
        ]
        params = {"min_id": 0}
        frames = query_frames_parallel(self.aside_env, queries, params)
        self.assertIsNotNone(frames, "a transaction that wrote nothing reads aside")
        serial = [query_frame(self.aside, q, params) for q in queries]
        for got, want in zip(frames, serial, strict=True):
            self.assertGreater(len(want), 100)
            pd.testing.assert_frame_equal(got.sort_index(), want.sort_index())

    def test_value_gather_parallel_equals_serial(self):
        Value = self.aside_env["crm.customer.value"]
        company = self.aside_env.ref("base.main_company")
        today = date.today()
        parallel = Value._gather(company, today, None)
        # a transaction id of its own: from now on this transaction may not read aside
        self.aside.execute("SELECT txid_current()")
        self.assertIsNone(query_frames_parallel(self.aside_env, ["SELECT 1 AS partner_id"], {}))
        serial = Value._gather(company, today, None)
        pd.testing.assert_frame_equal(
            parallel.sort_index(axis=1), serial.sort_index(axis=1), check_dtype=False
        )

    def test_churn_gather_parallel_equals_serial(self):
        Churn = self.aside_env["crm.customer.churn"]
        company = self.aside_env.ref("base.main_company")
        today = date.today()
        parallel = Churn._gather(company, today, today)
        self.aside.execute("SELECT txid_current()")
        serial = Churn._gather(company, today, today)
        pd.testing.assert_frame_equal(parallel, serial, check_dtype=False)

    def test_never_reads_aside_on_the_test_cursor(self):
        self.assertIsNone(query_frames_parallel(self.env, ["SELECT 1 AS partner_id"], {}))

    def test_copy_round_trip(self):
        frame = pd.DataFrame(
            {
                "amount": [1.5, np.nan, -2.25],
                "day": pd.to_datetime(["2026-01-31", None, "1969-12-31"]),
                "tier": ["mvc", None, "below_zero"],
                "count": [3.0, 0.0, 7.0],
            },
            index=pd.Index([11, 12, 13], name="partner_id"),
        )
        table, labels = copy_float8(
            self.env.cr, "ccm_test", frame, date_columns=("day",), text_columns=("tier",)
        )
        select = ", ".join(
            decode_float8(
                col, date_columns=("day",), text_columns=("tier",), integer_columns=("count",)
            )
            for col in frame.columns
        )
        self.env.cr.execute(
            f"SELECT l.partner_id, {select} FROM {table} l ORDER BY 1",  # noqa: S608 - test constants
            labels,
        )
        self.assertEqual(
            self.env.cr.fetchall(),
            [
                (11, 1.5, date(2026, 1, 31), "mvc", 3),
                (12, None, None, None, 0),
                (13, -2.25, date(1969, 12, 31), "below_zero", 7),
            ],
        )
