"""Copying a record of Odoo's models that carries fields of the addon's groups."""


def copy_data_keeping(records, default, field_names, copy_data):
    """``copy_data(default)`` of ``records`` (the super call) that keeps ``field_names``, the
    addon's fields of a group the copying user may not be in: Odoo reads every copied field
    as that user, so a survey officer duplicating a survey or an employee making a meeting
    recurring would get an AccessError. The fields are left out of the read and their values
    read as superuser instead: the copy keeps them, nobody sees them on the way."""
    default = dict(default or {})
    names = [name for name in field_names if name not in default]
    env = records.env
    if (
        not names
        or env.su
        or all(env.user.has_groups(records._fields[name].groups) for name in names)
    ):
        return copy_data(default)
    vals_list = copy_data({**default, **dict.fromkeys(names, False)})
    for record, vals in zip(records.sudo(), vals_list, strict=True):
        for name in names:
            field = record._fields[name]
            vals[name] = field.convert_to_write(record[name], record)
    return vals_list
