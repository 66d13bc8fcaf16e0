from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager


class SuggestionPortal(CustomerPortal):
    """The customer's suggestions and feedback in the portal: list, follow, send a new one.
    A portal user sees those written by the people of his own company only (record rule)."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "suggestion_count" in counters:
            Suggestion = request.env["crm.customer.suggestion"]
            values["suggestion_count"] = (
                Suggestion.search_count([]) if Suggestion.has_access("read") else 0
            )
        return values

    @http.route(
        ["/my/suggestions", "/my/suggestions/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_suggestions(self, page=1, **kw):
        Suggestion = request.env["crm.customer.suggestion"]
        values = self._prepare_portal_layout_values()
        count = Suggestion.search_count([])
        pager = portal_pager(
            url="/my/suggestions", total=count, page=page, step=self._items_per_page
        )
        suggestions = Suggestion.search(
            [], order="date desc, id desc", limit=self._items_per_page, offset=pager["offset"]
        )
        values.update(
            {
                "suggestions": suggestions,
                "pager": pager,
                "page_name": "suggestion",
                "default_url": "/my/suggestions",
            }
        )
        return request.render("crm_customer_management.portal_my_suggestions", values)

    @http.route(["/my/suggestions/<int:suggestion_id>"], type="http", auth="public", website=True)
    def portal_my_suggestion(self, suggestion_id, access_token=None, **kw):
        try:
            suggestion = self._document_check_access(
                "crm.customer.suggestion", suggestion_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(
            suggestion,
            access_token,
            {"suggestion": suggestion, "page_name": "suggestion"},
            "my_suggestions_history",
            False,
            **kw,
        )
        return request.render("crm_customer_management.portal_my_suggestion", values)

    @http.route(
        ["/my/suggestions/new"], type="http", auth="user", website=True, methods=["GET", "POST"]
    )
    def portal_new_suggestion(self, **post):
        partner = request.env.user.partner_id
        categories = (
            request.env["crm.customer.suggestion.category"]
            .sudo()
            .search([("portal_visible", "=", True)])
        )
        if request.httprequest.method == "POST" and post.get("subject"):
            category = categories.filtered(lambda c: str(c.id) == post.get("category_id"))
            kind = (
                post.get("kind") if post.get("kind") in ("suggestion", "feedback") else "feedback"
            )
            suggestion = (
                request.env["crm.customer.suggestion"]
                .sudo()
                .create(
                    {
                        "name": post["subject"],
                        "description": post.get("description") or False,
                        "kind": kind,
                        "origin": "portal",
                        "author_user_id": False,
                        "author_partner_id": partner.id,
                        "partner_id": partner.commercial_partner_id.id,
                        "category_id": (category[:1] or categories[:1]).id,
                        "company_id": request.env.user.company_id.id,
                    }
                )
            )
            return request.redirect(f"/my/suggestions/{suggestion.id}")
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "suggestion", "categories": categories})
        return request.render("crm_customer_management.portal_new_suggestion", values)
