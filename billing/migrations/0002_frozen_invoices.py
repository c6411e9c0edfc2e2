# Issued invoices and their lines are immutable: besides the model's own refusal, the
# database refuses any UPDATE of them, whoever connects.

from django.db import migrations

FORBID_UPDATE = """
CREATE FUNCTION billing_refuse_invoice_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'issued invoices cannot be changed; issue a credit note'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER billing_invoice_frozen BEFORE UPDATE ON billing_invoice
    FOR EACH ROW EXECUTE FUNCTION billing_refuse_invoice_update();
CREATE TRIGGER billing_invoiceline_frozen BEFORE UPDATE ON billing_invoiceline
    FOR EACH ROW EXECUTE FUNCTION billing_refuse_invoice_update();
"""

ALLOW_UPDATE = """
DROP TRIGGER billing_invoiceline_frozen ON billing_invoiceline;
DROP TRIGGER billing_invoice_frozen ON billing_invoice;
DROP FUNCTION billing_refuse_invoice_update();
"""


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_billing_records")]

    operations = [migrations.RunSQL(FORBID_UPDATE, ALLOW_UPDATE)]
