"""The policy pack: `pulumi preview --policy-pack policies`, or `errorops check` offline.

Builds the pack and serves Pulumi's analyzer protocol until killed (PolicyPack blocks);
the policies themselves live in errorops_policies/.
"""

from pulumi_policy import PolicyPack

from errorops_policies import PACK_NAME, all_policies, secrets

# Keep secret inputs recognisable by the validators (see errorops_policies/secrets.py).
secrets.install()

PolicyPack(name=PACK_NAME, policies=all_policies())
