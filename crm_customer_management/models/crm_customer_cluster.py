import logging
import time

import pandas as pd
from markupsafe import Markup, escape

from odoo import _lt, api, fields, models

from ..analytics import segmentation
from ..tools.sql import query_frame

_logger = logging.getLogger(__name__)

# Behaviour features of a value profile (SQL over crm_customer_value aliased v), their
# labels, and the words describing a centre far above / below the population.
FEATURES = {
    "order_count": ("v.order_count", _lt("Orders"), (_lt("buys often"), _lt("buys rarely"))),
    "avg_order_value": (
        "v.avg_order_value",
        _lt("Average order value"),
        (_lt("big orders"), _lt("small orders")),
    ),
    "recency_days": (
        "v.recency_days",
        _lt("Days since last order"),
        (_lt("has not bought for long"), _lt("bought recently")),
    ),
    "margin_rate": (
        "100.0 * v.margin / NULLIF(v.order_amount, 0)",
        _lt("Margin (%)"),
        (_lt("high margin"), _lt("low margin")),
    ),
    "return_rate": ("v.return_rate", _lt("Return rate (%)"), (_lt("returns a lot"), None)),
    "avg_payment_delay": (
        "v.avg_payment_delay",
        _lt("Payment delay (days)"),
        (_lt("pays late"), _lt("pays early")),
    ),
    "complaint_count": (
        "v.complaint_count",
        _lt("Complaints"),
        (_lt("complains often"), None),
    ),
}


class CrmCustomerCluster(models.Model):
    """A cluster of one company's customers found by k-means on their behaviour (see
    ``analytics.segmentation``). Rerun nightly with the values: each cluster keeps its
    number, and the name a manager gave it, while its centre stays closest to the last
    run's (Hungarian assignment). The customers' cluster is on their value profile."""

    _name = "crm.customer.cluster"
    _description = "Customer Cluster"
    _order = "company_id, number"

    name = fields.Char(required=True)
    number = fields.Integer(required=True, readonly=True)
    active = fields.Boolean(default=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    description = fields.Char(
        compute="_compute_description", help="Words from the centre against the population."
    )
    description_codes = fields.Json(readonly=True, help="[feature, 0 high / 1 low] pairs.")
    size = fields.Integer("Customers", readonly=True, aggregator="sum")
    share = fields.Float("Share (%)", readonly=True, digits=(16, 1))
    net_value = fields.Monetary(readonly=True, aggregator="sum")
    avg_net_value = fields.Monetary("Average Net Value", readonly=True, aggregator="avg")
    centre = fields.Json(readonly=True, help="The centre, in the features' units.")
    population = fields.Json(readonly=True, help="The population's median per feature.")
    silhouette = fields.Float(readonly=True, digits=(16, 3), help="Of the run that made it.")
    clustered_at = fields.Datetime(readonly=True)
    profile_html = fields.Html("Profile", compute="_compute_profile_html", sanitize=False)

    _sql_constraints = [
        ("company_number_uniq", "unique(company_id, number)", "A cluster number is unique."),
    ]

    @api.depends("description_codes")
    @api.depends_context("lang")
    def _compute_description(self):
        for cluster in self:
            words = [
                FEATURES[key][2][side]._translate(self.env.lang)
                for key, side in cluster.description_codes or []
                if key in FEATURES and FEATURES[key][2][side]
            ]
            cluster.description = ", ".join(words) or self.env._("close to the average customer")

    @api.depends("centre", "population")
    def _compute_profile_html(self):
        head = Markup(
            "<tr><th>%s</th><th class='text-end'>%s</th><th class='text-end'>%s</th></tr>"
        )
        row = Markup("<tr><td>%s</td><td class='text-end'>%s</td><td class='text-end'>%s</td></tr>")
        for cluster in self:
            centre, population = cluster.centre or {}, cluster.population or {}
            rows = [
                row
                % (
                    label._translate(self.env.lang),
                    _fmt(centre.get(key)),
                    _fmt(population.get(key)),
                )
                for key, (_sql, label, _words) in FEATURES.items()
            ]
            cluster.profile_html = (
                Markup("<table class='table table-sm o_ccm_cluster_profile'>")
                + head
                % (
                    escape(self.env._("Feature")),
                    self.env._("Cluster centre"),
                    self.env._("All customers (median)"),
                )
                + Markup("").join(rows)
                + Markup("</table>")
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_view_customers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_customer_management.crm_customer_value_action"
        )
        action["domain"] = [("cluster_id", "=", self.id)]
        action["context"] = {}
        return action

    @api.model
    def action_run(self):
        """Cluster the current company's customers now (managers)."""
        self.env["crm.customer.segment"]._check_user("crm_customer_management.group_manager")
        self.sudo()._run(self.env.company)
        return True

    # ------------------------------------------------------------------
    # Clustering
    # ------------------------------------------------------------------

    def _features_sql(self):
        select = ", ".join(f"({sql})::float8 AS {key}" for key, (sql, *_r) in FEATURES.items())
        # the company id as the query's one parameter
        return f"""SELECT v.id, v.net_value::float8 AS net_value, {select}
                     FROM crm_customer_value v
                    WHERE v.company_id = %s AND v.order_count > 0"""  # noqa: S608 - constants

    @api.model
    def _gather(self, company):
        self.env["crm.customer.value"].flush_model()
        query = self._features_sql()
        frame = query_frame(self.env.cr, query, [company.id], index="id")
        return frame

    @api.model
    def _run(self, company, k=None):
        """Cluster ``company``'s customers that bought, write each profile's cluster (one
        UPDATE per cluster) and the clusters' figures; clusters no longer found are
        archived and emptied. Returns the :class:`segmentation.Clustering` or None."""
        started = time.perf_counter()
        frame = self._gather(company)
        Value = self.env["crm.customer.value"]
        clusters = self.with_context(active_test=False).search([("company_id", "=", company.id)])
        if len(frame) < 2:
            self.env.cr.execute(
                "UPDATE crm_customer_value SET cluster_id = NULL WHERE company_id = %s"
                " AND cluster_id IS NOT NULL",
                [company.id],
            )
            clusters.write({"active": False, "size": 0, "share": 0, "net_value": 0})
            Value.invalidate_model(["cluster_id"])
            return None
        features = frame[list(FEATURES)]
        previous = {c.number: c.centre for c in clusters.filtered(lambda c: c.active and c.centre)}
        result = segmentation.cluster(
            features,
            k=min(k or company.ccm_cluster_count, len(frame)) or None,
            random_state=0,
            previous=pd.DataFrame.from_dict(previous, orient="index") if previous else None,
        )
        gathered = time.perf_counter()
        # the core words a centre with codes: (feature, 0) when high, (feature, 1) when low
        codes = {
            key: tuple((key, side) if word else None for side, word in enumerate(words))
            for key, (_sql, _label, words) in FEATURES.items()
        }
        population = features.median().to_dict()
        labels = pd.Series(result.labels, index=frame.index)
        by_number = {c.number: c for c in clusters}
        now = fields.Datetime.now()
        for number, centre in result.centres.iterrows():
            members = labels.index[labels.to_numpy() == number]
            described = segmentation.describe(centre, features, codes)
            vals = {
                "active": True,
                "description_codes": [list(code) for code in described],
                "size": len(members),
                "share": 100.0 * len(members) / len(frame),
                "net_value": float(frame.loc[members, "net_value"].fillna(0).sum()),
                "avg_net_value": float(frame.loc[members, "net_value"].fillna(0).mean())
                if len(members)
                else 0.0,
                "centre": {k: _json_float(v) for k, v in centre.items()},
                "population": {k: _json_float(v) for k, v in population.items()},
                "silhouette": result.silhouette if result.silhouette == result.silhouette else 0,
                "clustered_at": now,
            }
            if number in by_number:
                by_number[number].write(vals)
            else:
                vals.update(
                    company_id=company.id,
                    number=number,
                    name=self.env._("Cluster %s", number + 1),
                )
                by_number[number] = self.create(vals)
        gone = clusters.filtered(lambda c: c.number not in result.centres.index)
        gone.write({"active": False, "size": 0, "share": 0, "net_value": 0, "avg_net_value": 0})
        self.flush_model()
        cr = self.env.cr
        cr.execute(
            "UPDATE crm_customer_value SET cluster_id = NULL WHERE company_id = %s"
            " AND cluster_id IS NOT NULL"
            " AND (COALESCE(order_count, 0) = 0 OR cluster_id = ANY(%s))",
            [company.id, gone.ids],
        )
        for number in result.centres.index:
            ids = labels.index[labels.to_numpy() == number].tolist()
            cr.execute(
                "UPDATE crm_customer_value SET cluster_id = %s WHERE id = ANY(%s)"
                " AND cluster_id IS DISTINCT FROM %s",
                [by_number[number].id, ids, by_number[number].id],
            )
        Value.invalidate_model(["cluster_id"])
        _logger.info(
            "Customer clusters of %s: %d customers in %d clusters (cluster %.2f s, write %.2f s)",
            company.name,
            len(frame),
            result.k,
            gathered - started,
            time.perf_counter() - gathered,
        )
        return result


def _json_float(value):
    value = float(value)
    return round(value, 4) if value == value else None


def _fmt(value):
    return "" if value is None else f"{value:,.1f}"
