import logging
from datetime import timedelta

import numpy as np

from odoo import fields, models

from ..analytics import text
from .crm_customer_sentiment import THEME_MONTHS

_logger = logging.getLogger(__name__)


class CrmCustomerSentiment(models.AbstractModel):
    """Themes of the text-mining service: NMF topics of each month's complaint texts."""

    _inherit = "crm.customer.sentiment"

    # ------------------------------------------------------------------
    # Themes
    # ------------------------------------------------------------------

    def _build_themes(self, company, months=THEME_MONTHS):
        """The themes of each of the last ``months`` months of complaint texts (the
        complaints and the customers' messages on them), replacing those months' themes."""
        today = fields.Date.context_today(self)
        since = (today.replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
        self.env["crm.customer.text"].flush_model()
        self.env.cr.execute(
            """SELECT id, period, body FROM crm_customer_text
                WHERE company_id = %s AND source <> 'survey' AND period >= %s
                ORDER BY period, id""",
            [company.id, since],
        )
        by_period = {}
        for text_id, period, body in self.env.cr.fetchall():
            by_period.setdefault(period, ([], []))
            by_period[period][0].append(text_id)
            by_period[period][1].append(body)
        Theme = self.env["crm.customer.theme"].sudo()
        Theme.search([("company_id", "=", company.id), ("period", ">=", since)]).unlink()
        assign_ids, assign_themes = [], []
        for period, (ids, bodies) in sorted(by_period.items()):
            assignments, terms = text.themes(bodies, n_themes=company.ccm_theme_count)
            if not terms:
                continue
            counts = np.bincount(assignments[assignments >= 0], minlength=len(terms))
            themes = Theme.create(
                [
                    {
                        "company_id": company.id,
                        "period": period,
                        "name": ", ".join(words),
                        "text_count": int(counts[i]),
                    }
                    for i, words in enumerate(terms)
                ]
            )
            for text_id, theme in zip(ids, assignments, strict=True):
                if theme >= 0:
                    assign_ids.append(text_id)
                    assign_themes.append(themes[int(theme)].id)
        self.env.cr.execute(
            """
            UPDATE crm_customer_text t SET theme_id = u.theme_id
              FROM unnest(%s::int[], %s::int[]) AS u(id, theme_id) WHERE t.id = u.id
            """,
            [assign_ids, assign_themes],
        )
        self.env["crm.customer.text"].invalidate_model(["theme_id"])
