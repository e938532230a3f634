"""Province scale: a Hunan-like province (430000) with its 14 prefecture-level divisions.

City and county names and GB/T 2260 codes are the real ones (122 county-level units). The
national parks named per city follow the real pattern; county parks, specialised parks, their
figures and every chain below 湘西州 are generated from the seed — plausible, not official.
湘西州 itself is the city-scale prefecture of ``city.py`` (so its users work at province scale).
"""

from __future__ import annotations

import datetime as dt
import random

from parkchain.demo import city as xiangxi_city
from parkchain.demo.chain_trees import TREES
from parkchain.demo.specs import (
    GENERAL,
    SERVICE,
    ChainSpec,
    CitySpec,
    CountySpec,
    DepartmentSpec,
    Mix,
    ParkSpec,
)

PROVINCE_CODE = "430000"
PROVINCE_NAME = "湖南省"
ENTERPRISES = 50_000

# (code, name, short, block, share of the province's enterprises outside 湘西, size boost,
#  counties, chain keys, city-level parks (name, county code, level, type))
_CityRow = tuple[
    str,
    str,
    str,
    str,
    float,
    float,
    tuple[tuple[str, str], ...],
    tuple[str, ...],
    tuple[tuple[str, str, str, str], ...],
]

CITIES: tuple[_CityRow, ...] = (
    (
        "430100",
        "长沙市",
        "长沙",
        "czt",
        0.22,
        2.2,
        (
            ("430102", "芙蓉区"),
            ("430103", "天心区"),
            ("430104", "岳麓区"),
            ("430105", "开福区"),
            ("430111", "雨花区"),
            ("430112", "望城区"),
            ("430121", "长沙县"),
            ("430181", "浏阳市"),
            ("430182", "宁乡市"),
        ),
        (
            "construction-machinery",
            "electronics",
            "nev",
            "bio-pharma",
            "green-food",
            "building-materials",
        ),
        (
            ("长沙经济技术开发区", "430121", "national", "etdz"),
            ("长沙高新技术产业开发区", "430104", "national", "hitech"),
            ("宁乡经济技术开发区", "430182", "national", "etdz"),
            ("浏阳经济技术开发区", "430181", "national", "etdz"),
            ("望城经济技术开发区", "430112", "national", "etdz"),
        ),
    ),
    (
        "430200",
        "株洲市",
        "株洲",
        "czt",
        0.07,
        1.6,
        (
            ("430202", "荷塘区"),
            ("430203", "芦淞区"),
            ("430204", "石峰区"),
            ("430211", "天元区"),
            ("430212", "渌口区"),
            ("430223", "攸县"),
            ("430224", "茶陵县"),
            ("430225", "炎陵县"),
            ("430281", "醴陵市"),
        ),
        ("rail-transit", "nev", "building-materials", "electronics", "green-food"),
        (("株洲高新技术产业开发区", "430211", "national", "hitech"),),
    ),
    (
        "430300",
        "湘潭市",
        "湘潭",
        "czt",
        0.06,
        1.6,
        (
            ("430302", "雨湖区"),
            ("430304", "岳塘区"),
            ("430321", "湘潭县"),
            ("430381", "湘乡市"),
            ("430382", "韶山市"),
        ),
        ("mn-zn", "energy-storage", "nev", "construction-machinery", "green-food"),
        (
            ("湘潭经济技术开发区", "430304", "national", "etdz"),
            ("湘潭高新技术产业开发区", "430302", "national", "hitech"),
        ),
    ),
    (
        "430400",
        "衡阳市",
        "衡阳",
        "xiangnan",
        0.08,
        1.3,
        (
            ("430405", "珠晖区"),
            ("430406", "雁峰区"),
            ("430407", "石鼓区"),
            ("430408", "蒸湘区"),
            ("430412", "南岳区"),
            ("430421", "衡阳县"),
            ("430422", "衡南县"),
            ("430423", "衡山县"),
            ("430424", "衡东县"),
            ("430426", "祁东县"),
            ("430481", "耒阳市"),
            ("430482", "常宁市"),
        ),
        ("electronics", "nev", "green-food", "building-materials", "mn-zn"),
        (("衡阳高新技术产业开发区", "430408", "national", "hitech"),),
    ),
    (
        "430500",
        "邵阳市",
        "邵阳",
        "daxiangxi",
        0.07,
        1.0,
        (
            ("430502", "双清区"),
            ("430503", "大祥区"),
            ("430511", "北塔区"),
            ("430522", "新邵县"),
            ("430523", "邵阳县"),
            ("430524", "隆回县"),
            ("430525", "洞口县"),
            ("430527", "绥宁县"),
            ("430528", "新宁县"),
            ("430529", "城步苗族自治县"),
            ("430581", "武冈市"),
            ("430582", "邵东市"),
        ),
        ("green-food", "prepared-food", "electronics", "building-materials", "bio-pharma"),
        (("邵阳经济技术开发区", "430503", "provincial", "etdz"),),
    ),
    (
        "430600",
        "岳阳市",
        "岳阳",
        "dongting",
        0.08,
        1.4,
        (
            ("430602", "岳阳楼区"),
            ("430603", "云溪区"),
            ("430611", "君山区"),
            ("430621", "岳阳县"),
            ("430623", "华容县"),
            ("430624", "湘阴县"),
            ("430626", "平江县"),
            ("430681", "汨罗市"),
            ("430682", "临湘市"),
        ),
        ("green-food", "electronics", "bio-pharma", "building-materials", "prepared-food"),
        (("岳阳经济技术开发区", "430602", "national", "etdz"),),
    ),
    (
        "430700",
        "常德市",
        "常德",
        "dongting",
        0.08,
        1.3,
        (
            ("430702", "武陵区"),
            ("430703", "鼎城区"),
            ("430721", "安乡县"),
            ("430722", "汉寿县"),
            ("430723", "澧县"),
            ("430724", "临澧县"),
            ("430725", "桃源县"),
            ("430726", "石门县"),
            ("430781", "津市市"),
        ),
        ("baijiu", "green-food", "construction-machinery", "nev", "bio-pharma"),
        (("常德经济技术开发区", "430702", "national", "etdz"),),
    ),
    (
        "430800",
        "张家界市",
        "张家界",
        "daxiangxi",
        0.025,
        1.0,
        (("430802", "永定区"), ("430811", "武陵源区"), ("430821", "慈利县"), ("430822", "桑植县")),
        ("culture-tourism", "green-food", "bio-pharma", "prepared-food"),
        (("张家界经济开发区", "430802", "provincial", "etdz"),),
    ),
    (
        "430900",
        "益阳市",
        "益阳",
        "dongting",
        0.05,
        1.1,
        (
            ("430902", "资阳区"),
            ("430903", "赫山区"),
            ("430921", "南县"),
            ("430922", "桃江县"),
            ("430923", "安化县"),
            ("430981", "沅江市"),
        ),
        ("green-food", "construction-machinery", "electronics", "building-materials", "bio-pharma"),
        (("益阳高新技术产业开发区", "430903", "national", "hitech"),),
    ),
    (
        "431000",
        "郴州市",
        "郴州",
        "xiangnan",
        0.065,
        1.3,
        (
            ("431002", "北湖区"),
            ("431003", "苏仙区"),
            ("431021", "桂阳县"),
            ("431022", "宜章县"),
            ("431023", "永兴县"),
            ("431024", "嘉禾县"),
            ("431025", "临武县"),
            ("431026", "汝城县"),
            ("431027", "桂东县"),
            ("431028", "安仁县"),
            ("431081", "资兴市"),
        ),
        ("mn-zn", "electronics", "green-food", "energy-storage", "building-materials"),
        (("郴州高新技术产业开发区", "431003", "national", "hitech"),),
    ),
    (
        "431100",
        "永州市",
        "永州",
        "xiangnan",
        0.055,
        1.1,
        (
            ("431102", "零陵区"),
            ("431103", "冷水滩区"),
            ("431122", "东安县"),
            ("431123", "双牌县"),
            ("431124", "道县"),
            ("431125", "江永县"),
            ("431126", "宁远县"),
            ("431127", "蓝山县"),
            ("431128", "新田县"),
            ("431129", "江华瑶族自治县"),
            ("431181", "祁阳市"),
        ),
        ("green-food", "electronics", "prepared-food", "building-materials", "bio-pharma"),
        (("永州经济技术开发区", "431103", "provincial", "etdz"),),
    ),
    (
        "431200",
        "怀化市",
        "怀化",
        "daxiangxi",
        0.05,
        1.0,
        (
            ("431202", "鹤城区"),
            ("431221", "中方县"),
            ("431222", "沅陵县"),
            ("431223", "辰溪县"),
            ("431224", "溆浦县"),
            ("431225", "会同县"),
            ("431226", "麻阳苗族自治县"),
            ("431227", "新晃侗族自治县"),
            ("431228", "芷江侗族自治县"),
            ("431229", "靖州苗族侗族自治县"),
            ("431230", "通道侗族自治县"),
            ("431281", "洪江市"),
        ),
        ("bio-pharma", "green-food", "culture-tourism", "building-materials", "prepared-food"),
        (("怀化高新技术产业开发区", "431202", "national", "hitech"),),
    ),
    (
        "431300",
        "娄底市",
        "娄底",
        "daxiangxi",
        0.045,
        1.2,
        (
            ("431302", "娄星区"),
            ("431321", "双峰县"),
            ("431322", "新化县"),
            ("431381", "冷水江市"),
            ("431382", "涟源市"),
        ),
        ("construction-machinery", "mn-zn", "building-materials", "electronics", "green-food"),
        (("娄底经济技术开发区", "431302", "national", "etdz"),),
    ),
)

_DEPARTMENTS = (
    ("发展和改革委员会", "发改委", False),
    ("工业和信息化局", "工信局", False),
    ("商务局", "商务局", False),
    ("科学技术局", "科技局", False),
    ("自然资源和规划局", "自然资源和规划局", True),
    ("税务局", "税务局", True),
    ("供电公司", "供电公司", True),
    ("统计局", "统计局", True),
    ("人力资源和社会保障局", "人社局", False),
    ("农业农村局", "农业农村局", False),
    ("市场监督管理局", "市场监管局", False),
    ("生态环境局", "生态环境局", False),
)
_LEADER_TITLES = (
    "市委副书记",
    "常务副市长",
    "副市长",
    "副市长",
    "市人大常委会副主任",
    "市政协副主席",
)
_LEADER_SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
_LEAD_DEPARTMENT = {
    "construction-machinery": "工信局",
    "rail-transit": "工信局",
    "nev": "工信局",
    "electronics": "工信局",
    "mn-zn": "工信局",
    "energy-storage": "发改委",
    "building-materials": "发改委",
    "bio-pharma": "科技局",
    "green-food": "农业农村局",
    "prepared-food": "商务局",
    "culture-tourism": "商务局",
    "baijiu": "工信局",
}
_CATEGORY = {
    "construction-machinery": "advantage",
    "rail-transit": "advantage",
    "green-food": "advantage",
    "mn-zn": "advantage",
    "baijiu": "advantage",
    "nev": "emerging",
    "electronics": "emerging",
    "energy-storage": "emerging",
    "bio-pharma": "emerging",
    "building-materials": "cultivating",
    "prepared-food": "cultivating",
    "culture-tourism": "cultivating",
}
_PARK_KIND_NAMES = {
    "etdz": "经济开发区",
    "hitech": "高新技术产业开发区",
    "cluster": "工业集中区",
}
_TREE_SHORT = {
    "construction-machinery": "工程机械",
    "rail-transit": "轨道交通",
    "nev": "汽车零部件",
    "electronics": "电子信息",
    "mn-zn": "有色金属",
    "energy-storage": "新能源",
    "building-materials": "新型建材",
    "bio-pharma": "生物医药",
    "green-food": "农产品加工",
    "prepared-food": "食品加工",
    "culture-tourism": "文旅商品",
    "baijiu": "酒业",
}


def county_short(name: str) -> str:
    """吉首市 → 吉首, 城步苗族自治县 → 城步, 南县 → 南县 (one character is too short to stand alone)."""
    if "族自治县" in name:
        return name[:2]
    stem = name[:-1]
    return stem if len(stem) >= 2 else name


def _mix(rng: random.Random, leading: str, featured: str, others: tuple[str, ...]) -> Mix:
    pairs: list[tuple[str, float]] = [(leading, 0.40), (featured, 0.18)]
    rest = [key for key in others if key not in (leading, featured)]
    for key in rest:
        pairs.append((key, round(0.14 / max(len(rest), 1), 3)))
    pairs += [(GENERAL, 0.18), (SERVICE, 0.10 + rng.random() * 0.05)]
    return tuple(pairs)


def _park(
    rng: random.Random,
    *,
    name: str,
    county: str,
    level: str,
    park_type: str,
    chain_keys: tuple[str, ...],
    block_address: str,
) -> ParkSpec:
    leading, featured = rng.sample(chain_keys, 2) if len(chain_keys) > 1 else (chain_keys[0],) * 2
    if park_type == "specialised":
        planned = round(rng.uniform(1.5, 5.0), 2)
    elif level == "national":
        planned = round(rng.uniform(25, 120), 2)
    else:
        planned = round(rng.uniform(4, 25), 2)
    developed = round(planned * rng.uniform(0.45, 0.8), 2)
    built = round(developed * 1500 * rng.uniform(0.45, 0.7), -1)
    approved_year = rng.randint(1992, 2012) if level == "national" else rng.randint(2003, 2022)
    mix = _mix(rng, leading, featured, chain_keys)
    if park_type == "specialised":
        mix = ((leading, 0.8), (GENERAL, 0.15), (SERVICE, 0.05))
    return ParkSpec(
        name=name,
        short_name=name.replace("高新技术产业开发区", "高新区").replace("经济技术开发区", "经开区")[
            :50
        ],
        county_code=county,
        level=level,
        park_type=park_type,
        leading=_TREE_SHORT[leading],
        featured=_TREE_SHORT[featured] if featured != leading else "",
        approved_on=dt.date(approved_year, rng.randint(1, 12), rng.randint(1, 28)),
        planned_km2=planned,
        developed_km2=developed,
        built_mu=built,
        supplied_mu=round(built * rng.uniform(1.05, 1.25), -1),
        factory_m2=round(developed * rng.uniform(15000, 45000), -3),
        has_company=rng.random() < 0.55,
        mix=mix,
        weight=2.5 if level == "national" else 1.0,
        address=block_address,
    )


def _city(rng: random.Random, row: _CityRow, *, enterprises: int) -> CitySpec:
    code, name, short, block, _share, boost, county_rows, chain_keys, named_parks = row
    counties = tuple(
        CountySpec(
            code=c_code,
            name=c_name,
            # 衡阳县 keeps its full name: "衡阳" alone is the city (and its parks' names).
            short=county_short(c_name) if county_short(c_name) != short else c_name,
            weight=rng.uniform(0.6, 1.4) * (1.3 if c_name.endswith(("区", "市")) else 1.0),
            mix=(
                *((key, 0.5 / len(chain_keys)) for key in chain_keys),
                (GENERAL, 0.2),
                (SERVICE, 0.3),
            ),
            park_share=rng.uniform(0.55, 0.8),
        )
        for c_code, c_name in county_rows
    )
    parks: list[ParkSpec] = []
    with_park: set[str] = set()
    for p_name, p_county, level, p_type in named_parks:
        county_name = dict(county_rows)[p_county]
        parks.append(
            _park(
                rng,
                name=p_name,
                county=p_county,
                level=level,
                park_type=p_type,
                chain_keys=chain_keys,
                block_address=f"{name}{county_name}",
            )
        )
        with_park.add(p_county)
    taken = {p.name for p in parks}
    for c in counties:
        is_district = c.name.endswith("区")
        if c.code not in with_park and (not is_district or rng.random() < 0.6):
            p_type = rng.choices(["etdz", "hitech", "cluster"], weights=[6, 2.5, 1.5])[0]
            p_name = f"{c.short}{_PARK_KIND_NAMES[p_type]}"
            if p_name in taken:
                p_name = f"{c.name}{_PARK_KIND_NAMES[p_type]}"
            taken.add(p_name)
            parks.append(
                _park(
                    rng,
                    name=p_name,
                    county=c.code,
                    level="provincial",
                    park_type=p_type,
                    chain_keys=chain_keys,
                    block_address=f"{name}{c.name}",
                )
            )
        if rng.random() < 0.25:
            key = rng.choice(chain_keys)
            parks.append(
                _park(
                    rng,
                    name=f"{c.short}{_TREE_SHORT[key]}产业园",
                    county=c.code,
                    level="other",
                    park_type="specialised",
                    chain_keys=(key,),
                    block_address=f"{name}{c.name}",
                )
            )
    departments = tuple(
        DepartmentSpec(f"{short}市{full}", f"市{abbr}", supplies)
        for full, abbr, supplies in _DEPARTMENTS
    )
    chains = []
    for order, key in enumerate(chain_keys):
        tree = TREES[key]
        lead = f"市{_LEAD_DEPARTMENT[key]}"
        pool = [d.short_name for d in departments if d.short_name != lead]
        key_parks = [p.name for p in parks if key in dict(p.mix)][:3]
        chains.append(
            ChainSpec(
                code=f"{code}-{key}",
                tree=key,
                name=tree.province_name or tree.name,
                category=_CATEGORY[key],
                leader_name=f"{rng.choice(_LEADER_SURNAMES)}同志",
                leader_title=_LEADER_TITLES[order % len(_LEADER_TITLES)],
                lead_department=lead,
                cooperating=tuple(rng.sample(pool, rng.randint(2, 4))),
                key_parks=tuple(key_parks),
                description=tree.description,
            )
        )
    return CitySpec(
        code=code,
        name=name,
        short=short,
        block=block,
        counties=counties,
        parks=tuple(parks),
        departments=departments,
        chains=tuple(chains),
        enterprises=enterprises,
        name_prefixes=(short, "湖南"),
        size_boost=boost,
        department_prefix="市",
    )


def hunan(*, seed: int) -> list[CitySpec]:
    """The 14 cities of the province; 湘西州 is the city-scale prefecture, the others are generated."""
    rng = random.Random(f"parkchain-demo:{seed}:province")
    xiangxi = xiangxi_city.xiangxi(scale="city")
    rest = ENTERPRISES - xiangxi.enterprises
    total_share = sum(row[4] for row in CITIES)
    cities = [_city(rng, row, enterprises=round(rest * row[4] / total_share)) for row in CITIES]
    return [*cities, xiangxi]
