"""Structural rules the database refuses to break: a tool opens before it closes and its
minimum amount is at most its maximum, a dossier starts before it ends, a request is
never granted more than was asked (forms and services say so in French first)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('financing', '0005_instruction_on_the_shared_workflow'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='dossier',
            constraint=models.CheckConstraint(condition=models.Q(('starts_on__isnull', True), ('ends_on__isnull', True), ('starts_on__lte', models.F('ends_on')), _connector='OR'), name='financing_dossier_starts_before_it_ends'),
        ),
        migrations.AddConstraint(
            model_name='financingtool',
            constraint=models.CheckConstraint(condition=models.Q(('opens_on__isnull', True), ('closes_on__isnull', True), ('opens_on__lte', models.F('closes_on')), _connector='OR'), name='financing_tool_opens_before_it_closes'),
        ),
        migrations.AddConstraint(
            model_name='financingtool',
            constraint=models.CheckConstraint(condition=models.Q(('amount_min__isnull', True), ('amount_max__isnull', True), ('amount_min__lte', models.F('amount_max')), _connector='OR'), name='financing_tool_amount_min_at_most_max'),
        ),
        migrations.AddConstraint(
            model_name='fundingrequest',
            constraint=models.CheckConstraint(condition=models.Q(('amount_granted__isnull', True), models.Q(('amount_granted__gte', 0), ('amount_granted__lte', models.F('amount_asked'))), _connector='OR'), name='financing_request_granted_at_most_asked'),
        ),
    ]
