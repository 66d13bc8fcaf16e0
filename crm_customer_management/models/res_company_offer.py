from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    # Service by value
    ccm_cost_review_user_id = fields.Many2one(
        "res.users",
        string="Cost-to-serve Reviewer",
        domain=[("share", "=", False)],
        help="Gets an activity when a customer's tier falls below zero (it costs more to serve "
        "than it brings). Empty: the company's first sales manager.",
    )
    # Market-basket analysis and next best offers
    ccm_basket_window_days = fields.Integer(
        "Basket Window (days)",
        default=730,
        help="Confirmed orders of this many days are mined for association rules, and make "
        "what each customer buys.",
    )
    ccm_basket_min_support = fields.Float(
        "Minimum Support (%)",
        default=0.5,
        help="Share of the baskets (orders, or customers) an itemset must be in; at least 3.",
    )
    ccm_basket_min_confidence = fields.Float("Minimum Confidence (%)", default=10.0)
    ccm_offer_count = fields.Integer(
        "Suggestions per Customer", default=5, help="Next best offers kept per customer."
    )
    ccm_offer_acceptance_days = fields.Integer(
        "Acceptance Window (days)",
        default=30,
        help="A suggested product counts as accepted when the order it was added to is "
        "confirmed within this many days.",
    )
    ccm_basket_state = fields.Json(
        "Basket Population", readonly=True, copy=False, groups="base.group_system"
    )
    ccm_offer_cron_at = fields.Datetime("Offers Mined At", readonly=True)
    ccm_offer_cron_error = fields.Text("Offer Mining Error", readonly=True)
    ccm_offer_mine_state = fields.Selection(
        [
            ("requested", "Requested"),
            ("running", "Running"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        string="Offer Mining",
        readonly=True,
        copy=False,
        help="The last mining of the rules and next best offers (nightly, or asked for by "
        "Mine now): requested (queued for the background job), running, done or failed.",
    )

    _sql_constraints = [
        (
            "ccm_basket_ranges",
            "CHECK(ccm_basket_window_days > 0 AND ccm_basket_min_support > 0 "
            "AND ccm_basket_min_support <= 100 AND ccm_basket_min_confidence >= 0 "
            "AND ccm_basket_min_confidence <= 100 AND ccm_offer_count > 0 "
            "AND ccm_offer_count <= 50 AND ccm_offer_acceptance_days > 0)",
            "Basket analysis: a positive window, a support in (0, 100] %, a confidence in "
            "[0, 100] %, 1 to 50 suggestions per customer and a positive acceptance window.",
        ),
    ]
