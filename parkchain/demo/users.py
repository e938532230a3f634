"""The demo logins: one user per role, all with the password DEMO_PASSWORD.

DEMO_USERS is the single list the seed command, ``manage.py demo_logins``, the README and the
tests read. A user whose target does not exist at the seeded scale (e.g. 泸溪县 at county scale)
is not created.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractUser
from django.db import transaction

from parkchain.organisations.models import Department, Membership, OrgUnit, Role

# Demo only, printed by `make run`; never use it on a real deployment.
DEMO_PASSWORD = "parkchain-demo"  # noqa: S105

SUPERUSER = "superuser"


@dataclass(frozen=True)
class DemoUser:
    """``target`` is (kind, key): ("city", GB/T code), ("county", code), ("park", park name),
    ("enterprise", enterprise name), ("chain", chain code) or ("department", short name)."""

    username: str
    role: str
    label: str  # Chinese role label for the login table
    last_name: str  # 姓
    first_name: str  # 名
    sees: str  # what the user sees, in Chinese
    target: tuple[str, str] | None = None


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", SUPERUSER, "系统管理员", "系统", "管理员", "后台管理；全部数据", None),
    DemoUser(
        "city",
        Role.CITY_ADMIN,
        "州专班（市级管理员）",
        "向",
        "晓岚",
        "全州园区、企业、产业链；设目标、发通报",
        ("city", "433100"),
    ),
    DemoUser(
        "leader",
        Role.LEADER,
        "州领导（只读）",
        "彭",
        "建国",
        "驾驶舱与全州数据，只读",
        ("city", "433100"),
    ),
    DemoUser(
        "supervisor",
        Role.SUPERVISOR,
        "州委督查室",
        "田",
        "静",
        "全州进度、逾期任务、问责记录，只读",
        ("city", "433100"),
    ),
    DemoUser(
        "chain_baijiu",
        Role.CHAIN_OFFICE,
        "白酒产业链链办",
        "龙",
        "海波",
        "白酒产业链：图谱、链上企业、重点园区",
        ("chain", "baijiu"),
    ),
    DemoUser(
        "chain_mn",
        Role.CHAIN_OFFICE,
        "锰锌钒铝新材料产业链链办",
        "石",
        "志强",
        "锰锌钒铝新材料产业链：图谱、链上企业、重点园区",
        ("chain", "mn-zn"),
    ),
    DemoUser(
        "county_jishou",
        Role.COUNTY,
        "吉首市（县市区）",
        "吴",
        "红梅",
        "吉首市及其园区、企业",
        ("county", "433101"),
    ),
    DemoUser(
        "county_huayuan",
        Role.COUNTY,
        "花垣县（县市区）",
        "麻",
        "文军",
        "花垣县及其园区、企业",
        ("county", "433124"),
    ),
    DemoUser(
        "county_luxi",
        Role.COUNTY,
        "泸溪县（县市区）",
        "杨",
        "丽",
        "泸溪县及其园区、企业",
        ("county", "433122"),
    ),
    DemoUser(
        "park_gaoxin",
        Role.PARK,
        "湘西高新区管委会",
        "滕",
        "云峰",
        "本园区企业、用地、厂房、项目",
        ("park", "湘西高新技术产业开发区"),
    ),
    DemoUser(
        "park_huayuan",
        Role.PARK,
        "花垣经开区管委会",
        "梁",
        "春燕",
        "本园区企业、用地、厂房、项目",
        ("park", "花垣经济开发区"),
    ),
    DemoUser(
        "dept_tax",
        Role.DEPARTMENT,
        "州税务局",
        "符",
        "国平",
        "协同的产业链；全州企业名录（报送数据）",
        ("department", "州税务局"),
    ),
    DemoUser(
        "dept_industry",
        Role.DEPARTMENT,
        "州工信局",
        "覃",
        "伟",
        "牵头、协同的产业链与企业诉求",
        ("department", "州工信局"),
    ),
    DemoUser(
        "ent_jiugui",
        Role.ENTERPRISE,
        "企业（酒鬼酒股份有限公司）",
        "唐",
        "敏",
        "本企业档案、报表、诉求",
        ("enterprise", "酒鬼酒股份有限公司"),
    ),
)

DEMO_USERNAMES = tuple(u.username for u in DEMO_USERS)


def _resolve(target: tuple[str, str], *, city_code: str) -> dict[str, object] | None:
    """The Membership field for ``target``, or None when it does not exist at this scale."""
    from parkchain.chains.models import Chain
    from parkchain.enterprises.models import Enterprise
    from parkchain.organisations.models import Park, Region

    kind, key = target
    unit: OrgUnit | None = None
    if kind in ("city", "county"):
        region = Region.objects.filter(code=key).select_related("org_unit").first()
        unit = region.org_unit if region else None
    elif kind == "park":
        park = Park.objects.filter(name=key).select_related("org_unit").first()
        unit = park.org_unit if park else None
    elif kind == "enterprise":
        enterprise = Enterprise.objects.filter(name=key).select_related("org_unit").first()
        unit = enterprise.org_unit if enterprise else None
    elif kind == "chain":
        chain = Chain.objects.filter(code=key).first()
        return {"chain": chain} if chain else None
    elif kind == "department":
        department = Department.objects.filter(short_name=key, city__region__code=city_code).first()
        return {"department": department} if department else None
    return {"org_unit": unit} if unit else None


@transaction.atomic
def demo_users_create(*, city_code: str, password: str = DEMO_PASSWORD) -> list[AbstractUser]:
    """Create (or reset) the demo users whose targets exist, each with one Membership."""
    user_model = get_user_model()
    hashed = make_password(password)  # hashed once: one PBKDF2 run instead of fourteen
    created: list[AbstractUser] = []
    for spec in DEMO_USERS:
        target = None
        if spec.target is not None:
            target = _resolve(spec.target, city_code=city_code)
            if target is None:
                continue
        is_superuser = spec.role == SUPERUSER
        user, _new = user_model.objects.update_or_create(
            username=spec.username,
            defaults={
                "password": hashed,
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": f"{spec.username}@demo.parkchain.invalid",
                "is_staff": is_superuser,
                "is_superuser": is_superuser,
                "is_active": True,
            },
        )
        Membership.objects.filter(user=user).delete()
        if target is not None:
            membership = Membership(user=user, role=spec.role, **target)
            membership.full_clean()
            membership.save()
        created.append(user)
    return created
