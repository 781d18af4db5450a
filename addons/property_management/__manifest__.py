{
    "name": "Property Service Suite",
    "summary": "The 物业客服 suite in one install: the four apps and their "
    "bridge, one Property Service menu, the service-target dashboard "
    "(服务目标) with drill-down, trend and xlsx export, the morning meeting "
    "and staff scorecards across the apps, and the onboarding of a new site",
    "version": "18.0.1.0.0",
    "category": "Services/Property",
    "website": "https://github.com/wanjia-property/property-suite",
    "author": "Wanjia Property Suite",
    "license": "LGPL-3",
    "application": True,
    "installable": True,
    "depends": [
        "property_tenant",
        "property_helpdesk",
        "property_billing",
        "property_community",
        "property_helpdesk_billing",
        "property_decoration",
        "property_golive",
    ],
    "data": [
        "security/ir.model.access.csv",
        "views/property_management_dashboard_views.xml",
        "views/property_management_onboarding_views.xml",
        "views/property_morning_meeting_views.xml",
        "views/property_staff_scorecard_views.xml",
        "views/property_management_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "property_management/static/src/tours/*.js",
        ],
    },
    "external_dependencies": {"python": ["xlsxwriter"]},
    "pre_init_hook": "pre_init_hook",
    "uninstall_hook": "uninstall_hook",
}
