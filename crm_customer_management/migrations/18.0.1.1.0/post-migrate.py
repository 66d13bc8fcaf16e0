"""18.0.1.1.0: the record rules changed in this version live in ``noupdate`` data, which an
upgrade does not rewrite: bring the two changed ones to their new domain."""

from odoo import SUPERUSER_ID, api

DOMAINS = {
    # portal contacts read the complaints of their commercial partner, once qualified
    "crm_customer_management.crm_complaint_rule_portal": (
        "[('partner_id', 'child_of', [user.commercial_partner_id.id]),"
        " ('intake_state', '=', 'qualified')]"
    ),
    # no branch that shows company-less rows to every company
    "crm_customer_management.crm_customer_nps_report_rule_company": (
        "[('company_id', 'in', company_ids)]"
    ),
}


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid, domain in DOMAINS.items():
        rule = env.ref(xmlid, raise_if_not_found=False)
        if rule:
            rule.domain_force = domain
