{
    "name": "Property Billing: test override of a core hook",
    "summary": "Test only: customer invoices of a sales journal coded OVRT book "
    "their receivable on the account coded OVRT1122, overriding core's "
    "account choice, so the billing self-check has a real module to detect",
    "version": "18.0.1.0.0",
    "category": "Hidden/Tests",
    "website": "https://github.com/wanjia-property/property-suite",
    "author": "Wanjia Property Suite",
    "license": "LGPL-3",
    "installable": True,
    "depends": ["property_billing"],
    "data": [],
}
