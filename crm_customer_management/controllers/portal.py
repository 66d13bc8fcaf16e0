from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.crm_complaint_sla import SEVERITIES


class ComplaintPortal(CustomerPortal):
    """The customer's complaints in the portal: list, follow (messages), file a new one."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "complaint_count" in counters:
            Complaint = request.env["crm.complaint"]
            values["complaint_count"] = (
                Complaint.search_count([]) if Complaint.has_access("read") else 0
            )
        return values

    @http.route(
        ["/my/complaints", "/my/complaints/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_complaints(self, page=1, **kw):
        Complaint = request.env["crm.complaint"]
        values = self._prepare_portal_layout_values()
        count = Complaint.search_count([])
        pager = portal_pager(
            url="/my/complaints", total=count, page=page, step=self._items_per_page
        )
        complaints = Complaint.search(
            [], order="date_open desc, id desc", limit=self._items_per_page, offset=pager["offset"]
        )
        values.update(
            {
                "complaints": complaints,
                "pager": pager,
                "page_name": "complaint",
                "default_url": "/my/complaints",
            }
        )
        return request.render("crm_customer_management.portal_my_complaints", values)

    @http.route(["/my/complaints/<int:complaint_id>"], type="http", auth="public", website=True)
    def portal_my_complaint(self, complaint_id, access_token=None, **kw):
        try:
            complaint = self._document_check_access("crm.complaint", complaint_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(
            complaint,
            access_token,
            {"complaint": complaint, "page_name": "complaint"},
            "my_complaints_history",
            False,
            **kw,
        )
        return request.render("crm_customer_management.portal_my_complaint", values)

    @http.route(
        ["/my/complaints/new"], type="http", auth="user", website=True, methods=["GET", "POST"]
    )
    def portal_new_complaint(self, **post):
        partner = request.env.user.partner_id
        if request.httprequest.method == "POST" and post.get("subject"):
            severity = post.get("severity")
            complaint = (
                request.env["crm.complaint"]
                .sudo()
                .create(
                    {
                        "subject": post["subject"],
                        "description": post.get("description") or False,
                        "partner_id": partner.id,
                        "channel": "portal",
                        "severity": severity if severity in dict(SEVERITIES) else "medium",
                        "company_id": request.env.user.company_id.id,
                        "user_id": partner.commercial_partner_id.user_id.id or False,
                    }
                )
            )
            complaint.message_subscribe(partner_ids=partner.ids)
            return request.redirect(f"/my/complaints/{complaint.id}")
        values = self._prepare_portal_layout_values()
        # the labels in the reader's language (the constant holds the English ones)
        severities = (
            request.env["crm.complaint"]._fields["severity"]._description_selection(request.env)
        )
        values.update({"page_name": "complaint", "severities": severities})
        return request.render("crm_customer_management.portal_new_complaint", values)
