"""Names the addon's models, reports and wizards share: one definition each.

The stage keys and their order come from the pure core (``analytics.lifecycle.STAGES``);
this module adds what Odoo needs around them (selection labels, group xml ids)."""

from .analytics.lifecycle import STAGES

# Groups of the addon (security/crm_customer_management_groups.xml)
CCM_USER = "crm_customer_management.group_user"
CCM_MANAGER = "crm_customer_management.group_manager"

# The QCI lifecycle stages as a selection, in the cycle's order
LIFECYCLE_STAGES = [
    ("target", "Target"),
    ("enquiry", "Enquiry"),
    ("acquired", "Acquired"),
    ("onboarding", "Onboarding"),
    ("known", "Known"),
    ("developing", "Developing"),
    ("retained", "Retained"),
    ("at_risk", "At Risk"),
    ("dissatisfied", "Dissatisfied"),
    ("lost", "Lost"),
    ("won_back", "Won Back"),
]
assert tuple(k for k, _ in LIFECYCLE_STAGES) == STAGES

# Selection values of the reports for "no stage": a label instead of an empty group
NO_STAGE = "none"


def stages_in_cycle_order(values):
    """Grouped values of a stage selection, sorted in the cycle's order (not by key): a
    ``group_expand`` that adds no empty group."""
    order = {key: i for i, (key, _label) in enumerate(LIFECYCLE_STAGES)}
    return sorted(values, key=lambda key: order.get(key, -1))
