from odoo import api, fields, models


class CrmCustomerValue(models.Model):
    """Churn side of the value profile: the score the company chose (its churn model,
    BG/NBD's churn probability or recency, see ``crm.customer.churn.model``) and, from the
    model, the three figures that push it up the most, told in words."""

    _inherit = "crm.customer.value"

    churn_score = fields.Float(
        readonly=True,
        aggregator="avg",
        digits=(16, 3),
        help="Probability that the customer does not buy within the churn horizon, by the "
        "score that did best on the company's own history (see Churn Model).",
    )
    churn_scored_on = fields.Date(readonly=True)
    churn_drivers_data = fields.Json(readonly=True)
    churn_drivers = fields.Text(compute="_compute_churn_drivers")

    @api.depends("churn_drivers_data")
    @api.depends_context("lang")
    def _compute_churn_drivers(self):
        for profile in self:
            profile.churn_drivers = "\n".join(
                profile._churn_driver_text(name, value)
                for name, value in (profile.churn_drivers_data or [])
            )

    def _churn_driver_text(self, name, value):
        """One driver of the churn score in words; ``value`` in its natural unit."""
        if value is None:
            value = 0
        stages = dict(
            self.env["res.partner"]._fields["lifecycle_stage"]._description_selection(self.env)
        )
        texts = {
            "recency_ratio": lambda: self.env._("no order for %sx the usual interval", value),
            "log_recency": lambda: self.env._("no order for %s days", int(value)),
            "log_frequency": lambda: self.env._("%s purchase days so far", int(value)),
            "log_monetary": lambda: self.env._(
                "%(amount)s %(currency)s ordered so far",
                amount=format(value, ",.0f"),
                currency=self.currency_id.symbol or "",
            ),
            "margin_rate": lambda: self.env._("margin of %s %%", int(value)),
            "spend_trend": lambda: self.env._(
                "spend %s %% against the half-year before", format(int(value), "+d")
            ),
            "return_rate": lambda: self.env._(
                "returned %s %% of the quantity delivered", int(value)
            ),
            "payment_delay": lambda: self.env._(
                "pays %s days after the due date on average", int(value)
            ),
            "complaints_90d": lambda: self.env._("%s complaints in 90 days", int(value)),
            "complaints_open": lambda: self.env._("%s open complaints", int(value)),
            "complaints_recovered": lambda: self.env._("%s recovered complaints", int(value)),
            "dissatisfaction": lambda: self.env._(
                "last satisfaction answer %s %% of the scale", int(value)
            ),
            "risk_stage": lambda: self.env._("lifecycle stage %s", stages.get(value, value)),
            "tier_mvc": lambda: self.env._("most valuable tier"),
            "tier_bz": lambda: self.env._("below-zero tier"),
        }
        return texts[name]() if name in texts else name
