from odoo import api, fields, models

CHURN_METHODS = [
    ("model", "Churn model (logistic regression)"),
    ("bgnbd", "BG/NBD churn probability"),
    ("recency", "Recency only"),
]


class CrmCustomerChurnModel(models.Model):
    """One training of a company's churn model, with how well it did: ROC AUC and top-decile
    lift of the model, of BG/NBD's churn probability and of a recency-only baseline, on a
    time-based hold-out. The company scores its customers with the best of the three (the
    last training, ``res.company.ccm_churn_model_id``). Written by the training only."""

    _name = "crm.customer.churn.model"
    _description = "Customer Churn Model"
    _order = "date desc, id desc"
    _rec_name = "date"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    date = fields.Datetime("Trained On", required=True, readonly=True)
    horizon_days = fields.Integer(
        "Horizon (days)",
        readonly=True,
        help="A customer churned when they did not buy in this many days after the cut-off "
        "(or twice their usual interval, when the company says so).",
    )
    own_interval = fields.Boolean("Horizon from Own Interval", readonly=True)
    train_cutoff = fields.Date("Training Cut-off", readonly=True)
    test_cutoff = fields.Date("Hold-out Cut-off", readonly=True)
    n_train = fields.Integer("Training Customers", readonly=True)
    n_test = fields.Integer("Hold-out Customers", readonly=True)
    churn_rate = fields.Float("Hold-out Churn Rate", readonly=True, digits=(16, 3))
    auc_model = fields.Float("AUC: Model", readonly=True, digits=(16, 3))
    lift_model = fields.Float("Top-decile Lift: Model", readonly=True, digits=(16, 2))
    auc_bgnbd = fields.Float("AUC: BG/NBD", readonly=True, digits=(16, 3))
    lift_bgnbd = fields.Float("Top-decile Lift: BG/NBD", readonly=True, digits=(16, 2))
    auc_recency = fields.Float("AUC: Recency", readonly=True, digits=(16, 3))
    lift_recency = fields.Float("Top-decile Lift: Recency", readonly=True, digits=(16, 2))
    chosen = fields.Selection(CHURN_METHODS, "Score Used", readonly=True)
    scored_count = fields.Integer("Customers Scored", readonly=True)
    seconds = fields.Float("Training Time (s)", readonly=True, digits=(16, 2))
    params = fields.Json(readonly=True, groups="base.group_system")
    note = fields.Text(readonly=True)
    summary = fields.Char(compute="_compute_summary")

    @api.depends("chosen", "auc_model", "auc_bgnbd", "auc_recency")
    def _compute_summary(self):
        labels = dict(self._fields["chosen"]._description_selection(self.env))
        for run in self:
            if not run.chosen:
                run.summary = run.note or ""
                continue
            auc = {"model": run.auc_model, "bgnbd": run.auc_bgnbd, "recency": run.auc_recency}
            run.summary = self.env._(
                "%(method)s: AUC %(auc).2f, top-decile lift %(lift).1f",
                method=labels[run.chosen],
                auc=auc[run.chosen],
                lift={
                    "model": run.lift_model,
                    "bgnbd": run.lift_bgnbd,
                    "recency": run.lift_recency,
                }[run.chosen],
            )

    @api.model
    def action_train(self):
        """Train the churn model of the current company now (managers)."""
        self.env["crm.customer.churn"]._check_manager()
        run = self.env["crm.customer.churn"].sudo()._train(self.env.company)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": run.summary or run.note,
                "type": "success" if run.chosen else "warning",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
