/** @odoo-module */

import { registry } from "@web/core/registry";

const tours = registry.category("web_tour.tours");

// The Customer tab of a customer and a manual stage move (tests/test_tours.py opens the
// prospect "Tour Customer", whose stage is Target).
tours.add("ccm_customer_tab_tour", {
    steps: () => [
        {
            content: "Open the Customer tab",
            trigger: ".o_notebook .nav-link[name=customer_management]",
            run: "click",
        },
        {
            content: "The lifecycle stage is shown",
            trigger: ".o_field_widget[name=lifecycle_stage]:contains(Target)",
        },
        {
            content: "Move the stage by hand",
            trigger: "button[name=action_ccm_lifecycle_move]",
            run: "click",
        },
        {
            content: "Choose Enquiry",
            trigger: ".modal .o_field_widget[name=stage] select",
            run: 'select "enquiry"',
        },
        {
            content: "Give the reason",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Asked for a quotation by phone",
        },
        {
            content: "Confirm the move",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The prospect is now an enquiry",
            trigger: "body:not(:has(.modal)) .o_field_widget[name=lifecycle_stage]:contains(Enquiry)",
        },
    ],
});

// The dashboard: a period change and a drill-down into the complaints counted.
tours.add("ccm_dashboard_tour", {
    steps: () => [
        {
            content: "The dashboard shows its KPI cards",
            trigger: ".o_ccm_dashboard .o_ccm_card[data-kpi=complaints]",
        },
        {
            content: "Change the period to this year",
            trigger: "select.o_ccm_period",
            run: "select this_year",
        },
        {
            content: "The period is the year",
            trigger: ".o_ccm_period_label:contains(-01-01)",
        },
        {
            content: "One complaint this year",
            trigger: ".o_ccm_card[data-kpi=complaints] .o_ccm_value:contains(1)",
        },
        {
            content: "Open the complaints counted",
            trigger: ".o_ccm_card[data-kpi=complaints]",
            run: "click",
        },
        {
            content: "The breadcrumb names the figure",
            trigger: ".o_breadcrumb:contains(Complaints opened)",
        },
        {
            content: "The complaint counted is listed",
            trigger: ".o_list_view .o_data_row:contains(Tour complaint)",
        },
        {
            content: "Back to the dashboard by the breadcrumb",
            trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb li:first-child a",
            run: "click",
        },
        {
            content: "The dashboard again",
            trigger: ".o_ccm_dashboard .o_ccm_card[data-kpi=complaints]",
        },
    ],
});

// The portal: file a complaint from /my, then follow it in the list and on its page.
tours.add("ccm_portal_complaint_tour", {
    steps: () => [
        {
            content: "File a complaint from the portal home",
            trigger: "a[href='/my/complaints/new']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Subject",
            trigger: "input[name=subject]",
            run: "edit The parcel arrived damaged",
        },
        {
            content: "Severity",
            trigger: "select[name=severity]",
            run: "select high",
        },
        {
            content: "What happened",
            trigger: "textarea[name=description]",
            run: "edit The box was crushed and two cups were broken.",
        },
        {
            content: "Send it",
            trigger: "form button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The complaint's page",
            trigger: "h4:contains(The parcel arrived damaged)",
        },
        {
            content: "Follow it from the list of complaints",
            trigger: "h4:contains(The parcel arrived damaged)",
            run() {
                window.location.href = "/my/complaints";
            },
            expectUnloadPage: true,
        },
        {
            content: "It is listed with its stage",
            trigger: "tr:contains(The parcel arrived damaged) .badge",
        },
        {
            content: "Open it",
            trigger: "tr:contains(The parcel arrived damaged) a",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Its page again",
            trigger: "h4:contains(The parcel arrived damaged)",
        },
    ],
});

// The Persian interface: a fa_IR user reads the dashboard right to left, in Persian.
tours.add("ccm_persian_tour", {
    steps: () => [
        {
            content: "Right to left",
            trigger: ".o_ccm_dashboard .o_ccm_card",
            run() {
                if (!document.body.classList.contains("o_rtl")) {
                    throw new Error("The Persian interface is not right to left");
                }
                // the right-to-left stylesheets (built by rtlcss), not only the body's class:
                // without them the page is laid out left to right
                const manager = document.querySelector(".o_action_manager");
                if (getComputedStyle(manager).direction !== "rtl") {
                    throw new Error("The Persian interface is laid out left to right");
                }
            },
        },
        {
            content: "The KPI labels are Persian",
            trigger: ".o_ccm_card[data-kpi=complaints]:contains(شکایت‌های ثبت‌شده)",
        },
        {
            content: "The period filter is Persian",
            trigger: "select.o_ccm_period:contains(ماه گذشته)",
        },
        {
            content: "The app menu is Persian",
            trigger: ".o_main_navbar:contains(مشتریان)",
        },
    ],
});
