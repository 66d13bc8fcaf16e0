/** @odoo-module */

import { Component, onWillStart, onWillUnmount, useEffect, useRef, useState } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { ControlPanel } from "@web/search/control_panel/control_panel";
import { formatFloat, formatMonetary } from "@web/views/fields/formatters";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

const MODEL = "crm.customer.kpi";
const REFRESH_POLL_MS = 3000;

/** A Chart.js chart on a canvas, redrawn when its config changes. */
export class CcmChart extends Component {
    static template = "crm_customer_management.CcmChart";
    static props = { config: Object, height: { type: Number, optional: true } };
    static defaultProps = { height: 220 };

    setup() {
        this.canvasRef = useRef("canvas");
        this.chart = null;
        useEffect(
            () => {
                if (this.chart) {
                    this.chart.destroy();
                }
                this.chart = new window.Chart(this.canvasRef.el, this.props.config);
            },
            () => [this.props.config]
        );
        onWillUnmount(() => this.chart && this.chart.destroy());
    }
}

/** The customer management dashboard (client action ``ccm_customer_dashboard``). */
export class CustomerDashboard extends Component {
    static template = "crm_customer_management.CustomerDashboard";
    static components = { ControlPanel, CcmChart };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.notification = useService("notification");
        this.presets = [
            ["this_month", _t("This month")],
            ["last_month", _t("Last month")],
            ["this_quarter", _t("This quarter")],
            ["last_quarter", _t("Last quarter")],
            ["this_year", _t("This year")],
            ["last_year", _t("Last year")],
            ["custom", _t("Custom")],
        ];
        this.state = useState({
            data: null,
            loading: true,
            filters: { period: "last_month", ...(this.props.state?.filters || {}) },
        });
        onWillStart(async () => {
            await loadBundle("web.chartjs_lib");
            await this.load();
        });
        onWillUnmount(() => clearTimeout(this.pollTimer));
    }

    async load(filters = this.state.filters) {
        this.state.loading = true;
        try {
            const data = await this.orm.call(MODEL, "get_dashboard_data", [filters]);
            this.state.data = data;
            this.state.filters = { ...data.filters };
            this.schedulePoll();
        } finally {
            this.state.loading = false;
        }
    }

    /** Poll the background refresh until it is done, then reload the figures. */
    schedulePoll() {
        clearTimeout(this.pollTimer);
        if (this.state.data?.refresh.requested) {
            this.pollTimer = setTimeout(() => this.load(), REFRESH_POLL_MS);
        }
    }

    // -- filters -------------------------------------------------------
    onFilter(name, ev) {
        const raw = ev.target.value;
        const value = ["company_id", "team_id", "user_id", "segment_id"].includes(name)
            ? parseInt(raw) || false
            : raw;
        const filters = { ...this.state.filters, [name]: value };
        if (name === "date_from" || name === "date_to") {
            filters.period = "custom";
        }
        if (name === "period" && value === "custom") {
            this.state.filters = filters;
            return;
        }
        this.load(filters);
    }

    // -- actions -------------------------------------------------------
    async openKpi(card) {
        if (card.key === "acquisition_cost") {
            return;
        }
        const action = await this.orm.call(MODEL, "action_open_kpi", [
            card.key,
            this.state.filters,
        ]);
        this.actionService.doAction(action);
    }

    async refreshNow() {
        const status = await this.orm.call(MODEL, "action_refresh_now", [
            this.state.filters.company_id,
        ]);
        this.state.data.refresh = status;
        this.notification.add(_t("The refresh runs in the background."), { type: "info" });
        this.schedulePoll();
    }

    async print() {
        const action = await this.orm.call(MODEL, "action_print_dashboard", [this.state.filters]);
        this.actionService.doAction(action);
    }

    // -- formatting ----------------------------------------------------
    format(value, unit) {
        if (value === null || value === undefined) {
            return _t("not defined");
        }
        const currencyId = this.state.data.currency_id;
        switch (unit) {
            case "money":
                return formatMonetary(value, { currencyId, digits: [16, 0] });
            case "percent":
                return `${formatFloat(value, { digits: [16, 1] })} %`;
            case "days":
                return _t("%s days", formatFloat(value, { digits: [16, 1] }));
            case "hours":
                return _t("%s h", formatFloat(value, { digits: [16, 1] }));
            case "ratio":
                return formatFloat(value, { digits: [16, 2] });
            default:
                return formatFloat(value, { digits: [16, Number.isInteger(value) ? 0 : 1] });
        }
    }

    formatTrend(card) {
        if (card.trend === null || card.trend === undefined) {
            return "";
        }
        const sign = card.trend > 0 ? "+" : "";
        return `${sign}${formatFloat(card.trend, { digits: [16, 1] })} %`;
    }

    trendClass(card) {
        return {
            good: "text-success",
            bad: "text-danger",
            neutral: "text-muted",
        }[card.judgement];
    }

    trendIcon(card) {
        if (!card.trend) {
            return "fa-minus";
        }
        return card.trend > 0 ? "fa-arrow-up" : "fa-arrow-down";
    }

    sparkConfig(card) {
        const colour = { good: "#28a745", bad: "#dc3545", neutral: "#6c757d" }[card.judgement];
        return {
            type: "line",
            data: {
                labels: this.state.data.spark_labels,
                datasets: [
                    {
                        data: card.sparkline,
                        borderColor: colour,
                        borderWidth: 1.5,
                        pointRadius: 0,
                        tension: 0.3,
                        spanGaps: true,
                    },
                ],
            },
            options: {
                animation: false,
                responsive: true,
                maintainAspectRatio: false,
                plugins: { legend: { display: false }, tooltip: { enabled: true } },
                scales: { x: { display: false }, y: { display: false } },
            },
        };
    }

    barConfig(rows, label, { horizontal = false, key = "value" } = {}) {
        return {
            type: "bar",
            data: {
                labels: rows.map((r) => r.label),
                datasets: [{ label, data: rows.map((r) => r[key]), backgroundColor: "#017e84" }],
            },
            options: {
                animation: false,
                indexAxis: horizontal ? "y" : "x",
                responsive: true,
                maintainAspectRatio: false,
                plugins: { legend: { display: false } },
            },
        };
    }

    doughnutConfig(rows) {
        return {
            type: "doughnut",
            data: {
                labels: rows.map((r) => r.label),
                datasets: [
                    {
                        data: rows.map((r) => r.value),
                        backgroundColor: ["#28a745", "#fd7e14", "#dc3545", "#17a2b8", "#adb5bd"],
                    },
                ],
            },
            options: { animation: false, responsive: true, maintainAspectRatio: false },
        };
    }

    get chartConfigs() {
        const charts = this.state.data.charts;
        return {
            funnel: this.barConfig(charts.funnel, _t("Customers"), { horizontal: true }),
            tiers: this.barConfig(charts.tiers, _t("Net value")),
            themes: this.barConfig(charts.complaint_themes, _t("Complaints"), { horizontal: true }),
            sla: this.doughnutConfig(charts.complaint_sla),
        };
    }

    cellText(cell) {
        return formatFloat(cell, { digits: [16, 0] });
    }

    cohortStyle(cell) {
        if (cell === null || cell === undefined) {
            return "";
        }
        const alpha = Math.min(1, 0.08 + cell / 100);
        return `background-color: rgba(1, 126, 132, ${alpha}); color: ${cell > 55 ? "#fff" : "inherit"};`;
    }
}

registry.category("actions").add("ccm_customer_dashboard", CustomerDashboard);
