"""The words the demo city is made of: departments, categories, places, and what people call about.

Everything here is plain data. Templates use `str.format` fields that the generator fills for each
ticket: {district} {street} {community} {road} {road2} {addr} {xiaoqu} {building} {time} {since} {shop}
{company} {school} {bus} {training} {gym} {n} {surname} {dept}.
"""

import zlib
from dataclasses import dataclass

from hotline.core.enums import Kind

CITY_NAME = "示范市"
CITY_CODE = "SF"

# District -> streets/towns -> communities (社区) or villages (村). Codes follow the position:
# SF01 (district), SF0102 (street), SF010203 (community).
DISTRICTS: tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...] = (
    (
        "东湖区",
        (
            ("湖滨街道", ("湖滨社区", "柳岸社区", "望湖社区")),
            ("东门街道", ("东门社区", "新华社区", "和平社区")),
            ("青山镇", ("青山社区", "石桥村")),
        ),
    ),
    (
        "西山区",
        (
            ("西山街道", ("西山社区", "松林社区")),
            ("枫林街道", ("枫林社区", "红叶社区", "翠竹社区")),
            ("白石镇", ("白石社区", "下坝村")),
        ),
    ),
    (
        "南城区",
        (
            ("南门街道", ("南门社区", "文庙社区")),
            ("文昌街道", ("文昌社区", "书院社区", "状元社区")),
            ("长安街道", ("长安社区", "永宁社区")),
            ("新桥街道", ("新桥社区", "铁路社区", "纺织社区")),
        ),
    ),
    (
        "北塘区",
        (
            ("北塘街道", ("北塘社区", "荷花社区")),
            ("金沙街道", ("金沙社区", "银滩社区", "沙湾社区")),
        ),
    ),
    (
        "高新区",
        (
            ("科创街道", ("科创社区", "创业社区")),
            ("软件园街道", ("软件园社区", "数码社区")),
            ("云谷街道", ("云谷社区", "云溪社区", "桃李社区")),
        ),
    ),
    (
        "江口区",
        (
            ("江口街道", ("江口社区", "码头社区", "滨江社区")),
            ("渔港镇", ("渔港社区", "海湾村")),
            ("桃源镇", ("桃源社区", "桃花村", "杏林村")),
        ),
    ),
)

# Functional bureaus and utilities of the city: (code, name).
BUREAUS: tuple[tuple[str, str], ...] = (
    ("ZJJ", "市住建局"),
    ("SWJ", "市水务局"),
    ("SHJ", "市生态环境局"),
    ("SCJ", "市市场监管局"),
    ("JTJ", "市交通运输局"),
    ("RSJ", "市人社局"),
    ("JYJ", "市教育局"),
    ("WJW", "市卫健委"),
    ("CGJ", "市城管局"),
    ("GAJ", "市公安局"),
    ("GDGS", "示范市供电公司"),
    ("RQGS", "示范市燃气公司"),
)

# Bureaus whose head has a login (department heads of every district have one too).
BUREAUS_WITH_HEAD = ("ZJJ", "CGJ", "SHJ", "SCJ")

# The demo's own three-level category tree.
CATEGORY_TREE: dict[str, dict[str, tuple[str, ...]]] = {
    "城乡建设": {
        "市政设施": ("路灯", "道路破损", "井盖缺失", "排水管网"),
        "物业管理": ("物业服务", "电梯故障", "维修资金"),
        "住房保障": ("房产证办理", "公租房"),
    },
    "环境保护": {
        "噪声污染": ("施工噪声", "社会生活噪声", "交通噪声"),
        "大气污染": ("餐饮油烟", "工地扬尘", "露天焚烧"),
        "水污染": ("河道污染", "企业排污"),
    },
    "城市管理": {
        "市容环境": ("占道经营", "垃圾清运", "违规广告"),
        "违法建设": ("违章搭建",),
        "园林绿化": ("树木修剪",),
    },
    "水电气": {
        "供水": ("停水", "水质问题"),
        "供电": ("停电",),
        "燃气": ("燃气泄漏", "燃气收费"),
    },
    "交通运输": {
        "公共交通": ("公交线路", "出租车服务"),
        "道路交通": ("违章停车", "交通信号灯"),
    },
    "劳动和社会保障": {
        "劳动关系": ("拖欠工资", "劳动合同"),
        "社会保险": ("社保缴纳", "医保报销"),
    },
    "教育文体": {
        "基础教育": ("入学政策", "校外培训"),
        "文体设施": ("健身器材",),
    },
    "市场监管": {
        "食品安全": ("过期食品", "无证经营"),
        "消费维权": ("预付卡退费", "价格欺诈"),
    },
    "卫生健康": {
        "医疗服务": ("就医服务",),
        "公共卫生": ("病媒生物", "疫苗接种"),
    },
    "综合事务": {
        "表扬感谢": ("表扬",),
        "其他": ("其他诉求",),
    },
}

STREET = "street"  # in Problem.leads / Problem.co: the street or town where the problem is


@dataclass(frozen=True)
class Problem:
    """One thing people call about, with the words to tell it and the departments that handle it."""

    key: str
    category: tuple[str, str, str]
    kind: str
    leads: tuple[str, ...]  # bureau codes or STREET; the first is the usual lead, the next a fallback
    titles: tuple[str, ...]  # when there are as many titles as details, they go in pairs
    details: tuple[str, ...]
    replies: tuple[str, ...] = ()
    co: tuple[str, ...] = ()  # co-handling departments, when the problem needs several
    answers: tuple[str, ...] = ()  # consultations: what the operator says on the spot
    weight: float = 1.0
    urgent: float = 0.0  # share of such tickets marked urgent
    complex: float = 0.0  # share of such tickets marked complex (5 working days)


PROBLEMS: tuple[Problem, ...] = (
    Problem(
        "streetlight",
        ("城乡建设", "市政设施", "路灯"),
        Kind.COMPLAINT,
        ("CGJ", STREET),
        ("{road}路灯不亮", "{xiaoqu}路灯时亮时不亮", "{road}一段路灯晚上不亮"),
        (
            "{addr}附近的路灯{since}都不亮了，{time}整条路黑漆漆的，老人小孩走路很不安全。",
            "{xiaoqu}{building}前面的路灯时亮时不亮，晚上回家只能打手电筒。",
            "{road}从{xiaoqu}到路口一段有{n}盏路灯不亮，前几天还有电动车在这里摔倒。",
        ),
        (
            "经现场核查，{road}路段{n}盏路灯因线路老化故障，已于次日安排维修人员更换线路和灯具，现已恢复照明。",
            "接诉后我局路灯所当天到场检修，更换损坏灯具，目前{xiaoqu}门口路灯已正常亮灯。",
        ),
        weight=3.0,
    ),
    Problem(
        "road_damage",
        ("城乡建设", "市政设施", "道路破损"),
        Kind.COMPLAINT,
        ("ZJJ", STREET),
        ("{road}路面坑洼不平", "{road}{n}号门前路面塌陷", "{xiaoqu}出入口道路破损严重"),
        (
            "{road}靠近{xiaoqu}的路面坑坑洼洼，下雨天积水很深，车辆经过溅得行人一身泥。",
            "{addr}门前路面出现一个大坑，{since}没人修，晚上骑车很容易摔倒。",
        ),
        ("经核查，该路段破损属实，已安排施工单位进行沥青修补，现路面已恢复平整。",),
        weight=2.0,
    ),
    Problem(
        "manhole",
        ("城乡建设", "市政设施", "井盖缺失"),
        Kind.COMPLAINT,
        ("CGJ", "SWJ"),
        ("{road}井盖缺失存在安全隐患", "{xiaoqu}门口井盖破损"),
        (
            "{addr}人行道上的井盖不见了，只放了几块砖头挡着，晚上看不清很危险。",
            "{xiaoqu}大门口的井盖碎了一半，{time}来往的人多，怕有人掉下去。",
        ),
        ("接诉后工作人员已到场设置警示围挡，并于当日更换新的防坠井盖，安全隐患已消除。",),
        urgent=0.4,
    ),
    Problem(
        "drain",
        ("城乡建设", "市政设施", "排水管网"),
        Kind.COMPLAINT,
        ("SWJ", STREET),
        ("{xiaoqu}下水道堵塞污水外溢", "{road}雨水井堵塞路面积水"),
        (
            "{xiaoqu}{building}楼下的下水道堵了，污水冒到路面上，臭味很大，{since}了。",
            "{road}一下雨就积水，雨水井里全是垃圾，{time}积水能到小腿。",
        ),
        ("经现场查看，系管道内淤积杂物导致堵塞，已安排疏通车清掏管道，排水已恢复正常。",),
        weight=1.5,
    ),
    Problem(
        "property_service",
        ("城乡建设", "物业管理", "物业服务"),
        Kind.COMPLAINT,
        (STREET, "ZJJ"),
        ("{xiaoqu}物业不打扫卫生", "投诉{xiaoqu}物业乱涨价", "{xiaoqu}门禁损坏物业不修"),
        (
            "{xiaoqu}的物业{since}不打扫楼道，垃圾堆在楼梯口，业主反映多次没人管。",
            "{xiaoqu}物业今年突然上调物业费，没有召开业主大会，也没有公示收费依据。",
            "{xiaoqu}{building}单元门禁坏了{since}，物业一直推说没有配件。",
        ),
        (
            "经街道约谈{xiaoqu}物业公司，物业已承诺整改，楼道卫生已清理，并建立每日保洁台账。",
            "街道已组织社区、业委会与物业公司协商，物业费调整暂缓执行，待业主大会表决后再定。",
        ),
        weight=2.5,
        complex=0.2,
    ),
    Problem(
        "elevator",
        ("城乡建设", "物业管理", "电梯故障"),
        Kind.COMPLAINT,
        ("SCJ", "ZJJ"),
        ("{xiaoqu}电梯频繁故障困人", "{xiaoqu}电梯运行有异响"),
        (
            "{xiaoqu}{building}的电梯这个月已经坏了{n}次，昨天还有人被困在里面，住高层的老人没法下楼。",
            "{xiaoqu}电梯运行时有异响，{time}还突然停了一次，担心安全问题。",
        ),
        ("我局已对该电梯开展专项检查，责令维保单位更换曳引钢丝绳和门机部件，经检测合格后恢复运行。",),
        co=("ZJJ",),
        urgent=0.2,
    ),
    Problem(
        "repair_fund",
        ("城乡建设", "物业管理", "维修资金"),
        Kind.CONSULTATION,
        ("ZJJ",),
        ("咨询住宅专项维修资金使用", "维修资金怎么申请使用"),
        (
            "我们{xiaoqu}的屋顶漏水，想用住宅专项维修资金维修，请问需要什么手续？",
            "{xiaoqu}外墙脱落，业主想申请使用维修资金，请问需要多少业主同意？",
        ),
        ("使用维修资金需经专有部分面积和人数双过半业主同意，由物业或业委会向市住建局提交申请。",),
        answers=(
            "使用住宅专项维修资金须经相关业主表决同意后，由物业服务企业或业主委员会向市住建局提出申请，"
            "紧急维修可走应急程序。",
        ),
    ),
    Problem(
        "property_certificate",
        ("城乡建设", "住房保障", "房产证办理"),
        Kind.HELP,
        ("ZJJ",),
        ("{xiaoqu}交房多年办不了房产证", "求助办理{xiaoqu}不动产权证"),
        (
            "{xiaoqu}交房已经{n}年了，开发商一直说手续不全，业主们至今拿不到房产证，孩子上学都受影响。",
            "买了{xiaoqu}的二手房，原房主的证办不下来，我这边也没法过户，请帮忙协调。",
        ),
        (
            "经核查，该项目因开发商未完成竣工验收备案导致无法办证，我局已督促开发商限期补办手续，预计下月可集中办证。",
        ),
        complex=0.6,
    ),
    Problem(
        "public_rental",
        ("城乡建设", "住房保障", "公租房"),
        Kind.CONSULTATION,
        ("ZJJ",),
        ("咨询公租房申请条件", "公租房什么时候摇号"),
        (
            "我在{district}上班，是外地户口，请问能不能申请公租房？需要准备哪些材料？",
            "去年提交了公租房申请，一直没有消息，请问今年什么时候摇号？",
        ),
        ("公租房申请受理情况可在市住建局网站查询，符合条件的外来务工人员可在工作所在区申请。",),
        answers=(
            "在本市稳定就业并连续缴纳社保满一年、本人及家庭在本市无住房的，可向工作所在区住房保障窗口申请公租房，"
            "需携带身份证、劳动合同和社保缴费证明。",
        ),
    ),
    Problem(
        "construction_noise",
        ("环境保护", "噪声污染", "施工噪声"),
        Kind.COMPLAINT,
        ("SHJ", "CGJ"),
        ("{road}工地夜间施工噪音扰民", "{xiaoqu}旁工地{time}施工", "投诉{road}工地施工噪音"),
        (
            "{xiaoqu}旁边的工地{time}还在打桩，噪音特别大，孩子根本睡不着，已经{since}了。",
            "{road}的工地{time}还在用电镐和搅拌机施工，问过工人说是赶工期，不知道有没有夜间施工许可。",
        ),
        (
            "经现场检查，该工地未办理夜间施工许可，我局已责令其停止夜间作业，并依法立案处罚，后续将加强巡查。",
            "执法人员已到场核查，施工单位承认超时作业，已责令整改，晚上十点后不得进行产生噪声的作业。",
        ),
        co=("CGJ",),
        weight=3.0,
    ),
    Problem(
        "social_noise",
        ("环境保护", "噪声污染", "社会生活噪声"),
        Kind.COMPLAINT,
        ("GAJ", STREET),
        ("{xiaoqu}广场舞噪音扰民", "{road}{shop}噪音扰民", "{xiaoqu}楼上装修噪音"),
        (
            "{xiaoqu}中心广场跳广场舞的音响开得特别大，{time}都不停，住在旁边的居民没法休息。",
            "{road}的{shop}{time}还在营业，客人喝酒划拳、唱歌，吵得周围住户睡不着觉。",
            "{xiaoqu}{building}楼上住户{time}装修，电钻声不断，家里有刚出生的孩子。",
        ),
        (
            "辖区派出所民警已到场处置，对当事人进行批评教育，要求控制音量、按规定时间活动，后续将加强巡逻。",
            "社区已组织广场舞团队负责人协商，约定活动时间到晚上八点半，并使用定向音箱降低音量。",
        ),
        weight=3.0,
    ),
    Problem(
        "traffic_noise",
        ("环境保护", "噪声污染", "交通噪声"),
        Kind.SUGGESTION,
        ("JTJ", "SHJ"),
        ("建议{road}高架加装隔音屏", "{road}货车噪音大建议限行"),
        (
            "{xiaoqu}紧挨着{road}高架，{time}大货车来往不断，噪音很大，建议加装隔音屏。",
            "{road}上渣土车{time}开得很快还鸣笛，建议对这段路实行限速和禁鸣。",
        ),
        ("您的建议已收悉，我局已将{road}隔音屏建设纳入明年道路改造计划，近期先在该路段增设禁鸣标志。",),
        co=("SHJ",),
    ),
    Problem(
        "cooking_fumes",
        ("环境保护", "大气污染", "餐饮油烟"),
        Kind.COMPLAINT,
        ("SHJ", "CGJ"),
        ("{xiaoqu}底商{shop}油烟直排", "{road}{shop}露天烧烤油烟扰民"),
        (
            "{xiaoqu}楼下的{shop}没有装油烟净化器，油烟直接往楼上飘，{time}窗户都不敢开。",
            "{road}的{shop}在店门口露天烧烤，烟雾很大，{since}了。",
        ),
        ("经现场检查，该商户未安装油烟净化设施，已责令其限期安装并停止露天烧烤，我局将进行复查。",),
        weight=2.0,
    ),
    Problem(
        "dust",
        ("环境保护", "大气污染", "工地扬尘"),
        Kind.COMPLAINT,
        ("ZJJ", "SHJ"),
        ("{road}工地扬尘严重", "{xiaoqu}旁工地渣土未覆盖"),
        (
            "{road}的工地渣土没有覆盖，一刮风满天灰，{xiaoqu}的居民家里窗台全是土。",
            "{road}工地出入的渣土车没冲洗，路面全是泥，过往车辆一过尘土飞扬。",
        ),
        ("我局已约谈施工单位，责令对裸土全部覆盖、出入口设置冲洗平台，并安排专人清扫周边道路。",),
        co=("SHJ",),
    ),
    Problem(
        "open_burning",
        ("环境保护", "大气污染", "露天焚烧"),
        Kind.REPORT,
        (STREET, "SHJ"),
        ("举报{community}有人露天焚烧垃圾", "{road}附近焚烧秸秆"),
        (
            "{community}靠近{road}的空地上{time}有人焚烧垃圾和废旧轮胎，黑烟很大，气味刺鼻。",
            "{road}旁边的田里{time}在烧秸秆，烟雾飘到{xiaoqu}，整个小区都是烟味。",
        ),
        ("街道已组织人员到场扑灭明火，对焚烧人进行批评教育，并在该区域增设宣传标语，安排网格员巡查。",),
    ),
    Problem(
        "river_pollution",
        ("环境保护", "水污染", "河道污染"),
        Kind.COMPLAINT,
        ("SWJ", "SHJ"),
        ("{road}边河道发黑发臭", "{xiaoqu}旁小河污染严重"),
        (
            "{xiaoqu}旁边的小河{since}水都是黑的，天一热就发臭，河面上还漂着垃圾。",
            "{road}边的河道里有排污口一直往外流污水，河水发白还有泡沫。",
        ),
        ("经排查，系河道上游一处雨污混接点导致污水入河，已完成封堵改造，并组织对河道进行清淤保洁。",),
        co=("SHJ",),
        complex=0.3,
    ),
    Problem(
        "illegal_discharge",
        ("环境保护", "水污染", "企业排污"),
        Kind.REPORT,
        ("SHJ",),
        ("举报{company}夜间偷排废水", "举报{road}一工厂排污"),
        (
            "{road}的{company}{time}偷偷往雨水管里排废水，附近河沟的水都变色了。",
            "{community}附近一家小工厂{time}往外排刺鼻的废气和废水，请查处。",
        ),
        ("我局执法人员已对该企业开展突击检查，现场提取水样送检，对其违法排污行为已立案调查。",),
    ),
    Problem(
        "street_vendors",
        ("城市管理", "市容环境", "占道经营"),
        Kind.COMPLAINT,
        (STREET, "CGJ"),
        ("{road}占道经营严重", "{xiaoqu}门口流动摊贩堵路", "{road}夜市摊点占道"),
        (
            "{xiaoqu}门口{time}摆满了流动摊贩，人行道全被占了，行人只能走机动车道，很危险。",
            "{road}的水果店、小吃店把货摆到人行道上，{since}没人管，上下班高峰堵得走不动。",
        ),
        (
            "街道综合执法队已到场劝离占道摊贩，对店外经营商户下达整改通知，后续将在早晚高峰加强巡查。",
            "经协调，已在{road}附近规划临时便民摊点，引导摊贩入点经营，{xiaoqu}门口秩序已恢复。",
        ),
        co=("CGJ",),
        weight=3.0,
    ),
    Problem(
        "garbage",
        ("城市管理", "市容环境", "垃圾清运"),
        Kind.COMPLAINT,
        ("CGJ", STREET),
        ("{xiaoqu}垃圾清运不及时", "{road}垃圾中转站满溢"),
        (
            "{xiaoqu}的垃圾桶{since}没人清运了，垃圾堆得满地都是，天热臭气熏天，还招苍蝇。",
            "{road}垃圾中转站{time}清运一次都不够，垃圾满出来堆在路边。",
        ),
        ("已责成环卫作业单位当天清运积存垃圾，并将{xiaoqu}的清运频次调整为每日两次，加强日常巡检。",),
        weight=3.0,
    ),
    Problem(
        "flyposting",
        ("城市管理", "市容环境", "违规广告"),
        Kind.COMPLAINT,
        ("CGJ",),
        ("{xiaoqu}小广告泛滥", "{road}违规设置广告牌"),
        (
            "{xiaoqu}的楼道、电线杆上到处贴满了开锁、办证的小广告，清理了又贴上。",
            "{road}一家店门口的大型广告牌摇摇晃晃，刮风时很危险，也不知道有没有审批。",
        ),
        ("执法人员已清理相关小广告，对广告中的电话号码依法进行停机处理；违规广告牌已责令商户拆除。",),
    ),
    Problem(
        "illegal_building",
        ("城市管理", "违法建设", "违章搭建"),
        Kind.REPORT,
        (STREET, "CGJ"),
        ("举报{xiaoqu}楼顶违章搭建", "{xiaoqu}一楼住户私搭乱建"),
        (
            "{xiaoqu}{building}顶楼住户在楼顶搭建了一间彩钢房，影响楼顶防水，其他住户意见很大。",
            "{xiaoqu}{building}一楼住户把自家院子围起来盖了房子，占用了公共绿地。",
        ),
        ("经现场核实，该搭建物未取得规划许可，属违法建设，街道已下达限期拆除通知书，当事人已自行拆除。",),
        co=("CGJ",),
        complex=0.5,
    ),
    Problem(
        "tree_trimming",
        ("城市管理", "园林绿化", "树木修剪"),
        Kind.HELP,
        ("CGJ", STREET),
        ("{xiaoqu}树木遮挡采光请求修剪", "{road}行道树倒伏"),
        (
            "{xiaoqu}{building}前的大树长得比楼还高，挡住了低楼层的阳光，树枝还伸进了窗户。",
            "{road}昨晚风大，有一棵行道树倒在人行道上，压住了电线，请尽快处理。",
        ),
        ("园林绿化养护单位已到场对树木进行修剪，倒伏树木已清理，并对该路段其他树木开展隐患排查。",),
    ),
    Problem(
        "water_outage",
        ("水电气", "供水", "停水"),
        Kind.COMPLAINT,
        ("SWJ",),
        ("{xiaoqu}突然停水", "{xiaoqu}停水没有提前通知", "{road}一带停水"),
        (
            "{xiaoqu}{time}停水，到现在还没来水，也没有提前通知，家里老人孩子吃饭洗漱都成问题。",
            "{xiaoqu}这个月已经停了{n}次水，每次都没有通知，请问什么时候能恢复？",
        ),
        ("经核实，系{road}供水管道爆管导致停水，抢修人员已连夜完成管道修复，{xiaoqu}已恢复正常供水。",),
        weight=2.0,
        urgent=0.4,
    ),
    Problem(
        "water_quality",
        ("水电气", "供水", "水质问题"),
        Kind.COMPLAINT,
        ("SWJ", "WJW"),
        ("{xiaoqu}自来水发黄", "{xiaoqu}自来水有异味"),
        (
            "{xiaoqu}的自来水{since}都是黄的，放很久也不清，烧开后有沉淀，不敢喝。",
            "{xiaoqu}自来水有一股消毒水和铁锈味，{time}更明显。",
        ),
        (
            "经对{xiaoqu}管网末梢水取样检测，各项指标符合国家标准；水发黄系管道老化所致，已对该片区管网进行冲洗。",
        ),
        co=("WJW",),
    ),
    Problem(
        "power_outage",
        ("水电气", "供电", "停电"),
        Kind.COMPLAINT,
        ("GDGS",),
        ("{xiaoqu}频繁停电", "{road}一带突然停电"),
        (
            "{xiaoqu}这周停了{n}次电，{time}一停就是好几个小时，冰箱里的东西都坏了。",
            "{road}一带{time}突然停电，没有任何通知，家里有病人要用制氧机，请尽快恢复。",
        ),
        ("经查，停电系{xiaoqu}配电变压器过载跳闸所致，我公司已完成增容改造，供电已恢复稳定。",),
        weight=1.5,
        urgent=0.3,
    ),
    Problem(
        "gas_leak",
        ("水电气", "燃气", "燃气泄漏"),
        Kind.HELP,
        ("RQGS",),
        ("{xiaoqu}楼道有燃气味", "{road}疑似燃气泄漏"),
        (
            "{xiaoqu}{building}楼道里有很浓的燃气味，{time}更明显，担心泄漏，请马上派人来看看。",
            "{road}{n}号附近闻到燃气味，附近有餐馆，怕出事。",
        ),
        ("接报后抢险人员三十分钟内到场，查明系楼道立管接口松动漏气，已紧固更换密封件，复检无泄漏。",),
        urgent=0.9,
    ),
    Problem(
        "gas_fee",
        ("水电气", "燃气", "燃气收费"),
        Kind.CONSULTATION,
        ("RQGS",),
        ("燃气费突然增加咨询阶梯价格", "咨询智能燃气表查询缴费"),
        (
            "我家这个月燃气费比平时多了一倍，请问燃气阶梯价格是怎么计算的？",
            "请问燃气表换成智能表之后，在哪里可以查询用气量和缴费？",
        ),
        ("燃气费按年度阶梯计价，超过第一阶梯用量部分按第二阶梯价格计收，已向来电人说明。",),
        answers=(
            "居民燃气实行年度阶梯气价，第一阶梯以内按基础价格收费，超出部分按第二、三阶梯价格计收；"
            "用气量和缴费记录可在燃气公司服务号查询。",
        ),
    ),
    Problem(
        "bus_route",
        ("交通运输", "公共交通", "公交线路"),
        Kind.SUGGESTION,
        ("JTJ",),
        ("建议在{xiaoqu}附近增设公交站点", "建议{bus}延长运营时间"),
        (
            "{xiaoqu}入住了几千户居民，最近的公交站要走二十分钟，建议{bus}在{road}增设站点。",
            "{bus}末班车晚上八点就停了，很多上晚班的人回不了家，建议延长到十点。",
        ),
        ("您的建议已收悉，经客流调查，已将{bus}调整为途经{road}并增设站点，新线路将于下月起运行。",),
        weight=1.5,
    ),
    Problem(
        "taxi",
        ("交通运输", "公共交通", "出租车服务"),
        Kind.COMPLAINT,
        ("JTJ",),
        ("投诉出租车拒载", "投诉出租车绕路多收费"),
        (
            "{time}在{road}打车，出租车司机问了目的地后嫌路近拒载，车牌号记下来了。",
            "从火车站打车到{xiaoqu}，司机故意绕路，平时二十多块这次收了五十多。",
        ),
        ("经调取车载记录核实，该驾驶员存在绕路行为，已责令退还多收费用，并对驾驶员作出处理和培训。",),
    ),
    Problem(
        "illegal_parking",
        ("交通运输", "道路交通", "违章停车"),
        Kind.COMPLAINT,
        ("GAJ", STREET),
        ("{xiaoqu}消防通道被占用", "{road}违章停车严重"),
        (
            "{xiaoqu}的消防通道{time}停满了私家车，真有火灾消防车根本进不来。",
            "{road}两边乱停车，把非机动车道都占了，上下班时间堵得厉害。",
        ),
        ("交警部门已对违停车辆依法处罚，并在{road}增设禁停标志和电子抓拍设备，将加强巡逻管控。",),
        weight=2.0,
    ),
    Problem(
        "traffic_light",
        ("交通运输", "道路交通", "交通信号灯"),
        Kind.COMPLAINT,
        ("GAJ",),
        ("{road}路口信号灯故障", "{road}路口红绿灯时间太短"),
        (
            "{road}和{road2}交叉口的红绿灯{since}一直黄灯闪烁，车辆行人抢行，很危险。",
            "{road}路口行人绿灯只有十几秒，老人走不过去就变灯了，建议延长。",
        ),
        ("经现场检查，信号机控制板故障已更换；同时根据路口行人流量，将行人绿灯时长调整为三十秒。",),
    ),
    Problem(
        "unpaid_wages",
        ("劳动和社会保障", "劳动关系", "拖欠工资"),
        Kind.HELP,
        ("RSJ",),
        ("{company}拖欠工资", "农民工工资被拖欠"),
        (
            "我在{company}工作，公司已经拖欠{n}个月工资没发，老板一直说资金紧张，家里等着钱用。",
            "我们{n}个工人在{road}的工地干活，包工头拖欠工资{since}，找项目部也没人管。",
        ),
        (
            "我局劳动监察大队已约谈{company}负责人，责令其限期支付拖欠工资，目前已全额支付。",
            "经调查，该项目总包单位已从工资保证金中先行垫付农民工工资，共涉及{n}名工人。",
        ),
        weight=2.5,
        complex=0.3,
    ),
    Problem(
        "labour_contract",
        ("劳动和社会保障", "劳动关系", "劳动合同"),
        Kind.CONSULTATION,
        ("RSJ",),
        ("咨询公司不签劳动合同怎么办", "咨询试用期被辞退补偿"),
        (
            "我在{company}上班{n}个月了，公司一直不跟我签劳动合同，请问我该怎么维权？",
            "试用期最后一周被公司辞退，说我不符合录用条件，请问能不能要求补偿？",
        ),
        (
            "已告知来电人：用人单位自用工之日起超过一个月不满一年未签书面劳动合同的，应向劳动者每月支付二倍工资。",
        ),
        answers=(
            "用人单位自用工之日起超过一个月不满一年未与劳动者订立书面劳动合同的，应当向劳动者每月支付二倍工资；"
            "可向用工所在区劳动监察大队投诉或申请劳动仲裁。",
        ),
    ),
    Problem(
        "social_insurance",
        ("劳动和社会保障", "社会保险", "社保缴纳"),
        Kind.CONSULTATION,
        ("RSJ",),
        ("咨询社保断缴怎么补缴", "咨询社保关系转移"),
        (
            "我之前的公司有{n}个月没给我交社保，现在想补缴，请问怎么办理？",
            "我从外地来{district}工作，想把原来的社保转过来，请问需要什么材料？",
        ),
        ("已告知来电人社保补缴和转移接续的办理渠道，可通过政务服务网或社保经办窗口申请。",),
        answers=(
            "单位未足额缴纳的社保可由单位向社保经办机构申请补缴；跨地区转移可在新参保地社保窗口或国家社会保险"
            "公共服务平台申请转移接续，需要身份证和原参保地缴费凭证。",
        ),
        weight=1.5,
    ),
    Problem(
        "medical_insurance",
        ("劳动和社会保障", "社会保险", "医保报销"),
        Kind.CONSULTATION,
        ("RSJ",),
        ("咨询异地就医医保报销", "咨询门诊慢特病报销"),
        (
            "我母亲在外地住院，请问医保怎么备案报销？",
            "我有高血压和糖尿病，请问门诊慢特病怎么申请，报销比例是多少？",
        ),
        ("已告知来电人异地就医备案可通过国家医保服务平台办理，备案后可直接结算。",),
        answers=(
            "异地就医可先在国家医保服务平台或医保窗口办理备案，备案后在定点医院直接结算；门诊慢特病需持诊断证明"
            "向定点医院医保办申请认定。",
        ),
    ),
    Problem(
        "school_enrolment",
        ("教育文体", "基础教育", "入学政策"),
        Kind.CONSULTATION,
        ("JYJ",),
        ("咨询{school}入学划片", "咨询随迁子女入学政策"),
        (
            "我家住在{xiaoqu}，孩子明年上小学，请问是划片到{school}吗？需要准备哪些材料？",
            "我们是外地户口，在{district}租房住，孩子上小学需要什么条件？",
        ),
        ("已告知来电人{xiaoqu}所属学区及报名材料，具体以区教育局公布的招生简章为准。",),
        answers=(
            "义务教育阶段按学区划片入学，可在区教育局网站查询学区范围；随迁子女需提供居住证、父母一方的劳动合同"
            "或营业执照以及社保缴费证明。",
        ),
        weight=1.5,
    ),
    Problem(
        "tutoring",
        ("教育文体", "基础教育", "校外培训"),
        Kind.COMPLAINT,
        ("JYJ", "SCJ"),
        ("{training}拒不退费", "投诉{training}违规培训"),
        (
            "在{training}给孩子报了一年的课，交了一万多元，现在机构说要搬走，剩下的课时不给退费。",
            "{road}的{training}{time}还在偷偷给学生上学科类课程，还要求家长不要对外说。",
        ),
        ("我局已会同市场监管部门约谈{training}，责令其按剩余课时退还家长费用，目前已退费完毕。",),
        co=("SCJ",),
    ),
    Problem(
        "fitness_equipment",
        ("教育文体", "文体设施", "健身器材"),
        Kind.SUGGESTION,
        (STREET,),
        ("{xiaoqu}健身器材损坏", "建议在{community}增设健身器材"),
        (
            "{xiaoqu}广场上的健身器材有好几件坏了，螺丝松动，小孩玩的时候容易受伤。",
            "{community}没有健身的地方，老人只能在马路边活动，建议利用{road}边的空地建一个健身广场。",
        ),
        ("街道已安排对损坏器材进行维修更换，并将{community}健身点建设纳入年度民生实事项目。",),
    ),
    Problem(
        "expired_food",
        ("市场监管", "食品安全", "过期食品"),
        Kind.REPORT,
        ("SCJ",),
        ("举报{road}超市销售过期食品", "{xiaoqu}旁小卖部卖过期食品"),
        (
            "在{road}一家超市买的牛奶已经过期{n}天了，货架上还有好几盒，希望严查。",
            "{xiaoqu}门口的小卖部卖过期零食，我家孩子吃了拉肚子。",
        ),
        ("执法人员已对该超市进行检查，查扣过期食品{n}件，对经营者立案查处，并督促其完善进货查验制度。",),
        weight=1.5,
    ),
    Problem(
        "unlicensed_business",
        ("市场监管", "食品安全", "无证经营"),
        Kind.REPORT,
        ("SCJ", STREET),
        ("举报{community}无证食品作坊", "举报{road}无证经营"),
        (
            "{community}有一个居民楼里开的小作坊，每天生产卤菜往外卖，卫生条件很差，也没有证照。",
            "{road}新开的{shop}一直没有营业执照和食品经营许可证。",
        ),
        ("经检查，当事人未取得食品经营许可，已依法责令停止经营，没收相关工具和原料。",),
    ),
    Problem(
        "prepaid_card",
        ("市场监管", "消费维权", "预付卡退费"),
        Kind.COMPLAINT,
        ("SCJ",),
        ("{gym}关门不退卡费", "{gym}停业拒绝退卡"),
        (
            "在{road}的{gym}办了年卡，才用了{n}个月店就关门了，老板联系不上，很多会员都没退费。",
            "{gym}突然说要装修停业，让我们转到别的店，路太远我要求退卡被拒绝。",
        ),
        ("经调解，经营者同意按剩余期限退还会员卡费；对已无法联系的经营者，我局已将线索移交公安机关。",),
        weight=1.5,
        complex=0.4,
    ),
    Problem(
        "price_fraud",
        ("市场监管", "消费维权", "价格欺诈"),
        Kind.COMPLAINT,
        ("SCJ",),
        ("投诉{shop}结账价格与菜单不符", "{road}水果店价格欺诈"),
        (
            "在{road}的{shop}吃饭，菜单上标的价格和结账时不一样，多收了将近一百块。",
            "{road}一家水果店标价每斤九块九，结账时按每斤十九块九算，还说标价是老板写错了。",
        ),
        ("经核查，该商户存在标价与结算价不一致的行为，已责令退还多收款项，并依法给予行政处罚。",),
    ),
    Problem(
        "hospital_service",
        ("卫生健康", "医疗服务", "就医服务"),
        Kind.COMPLAINT,
        ("WJW",),
        ("{district}人民医院排队时间长", "投诉医院工作人员服务态度差"),
        (
            "{time}带孩子到{district}人民医院看急诊，排了三个多小时还没看上，只有一个医生在值班。",
            "在医院窗口问缴费的事，工作人员态度很差，还让我自己去问别人。",
        ),
        ("我委已责成医院调查处理，医院已对当事工作人员进行批评教育，并在急诊高峰时段增派医生。",),
    ),
    Problem(
        "pests",
        ("卫生健康", "公共卫生", "病媒生物"),
        Kind.HELP,
        (STREET, "WJW"),
        ("{xiaoqu}老鼠成灾", "{xiaoqu}蚊虫多请求消杀"),
        (
            "{xiaoqu}{since}老鼠特别多，晚上在楼道里乱窜，还咬坏了电线。",
            "{xiaoqu}的绿化带积水多，蚊子特别多，{time}在楼下都待不住，请求消杀。",
        ),
        ("社区已组织专业消杀公司对{xiaoqu}开展灭鼠灭蚊作业，清理积水和卫生死角，后续每月消杀一次。",),
    ),
    Problem(
        "vaccination",
        ("卫生健康", "公共卫生", "疫苗接种"),
        Kind.CONSULTATION,
        ("WJW",),
        ("咨询儿童疫苗接种地点", "咨询狂犬疫苗接种"),
        (
            "我们住在{xiaoqu}，孩子该打疫苗了，请问在哪个社区卫生服务中心接种？",
            "被邻居家的狗抓伤了，请问附近哪里可以打狂犬疫苗？",
        ),
        ("已告知来电人就近的预防接种门诊地址和开放时间。",),
        answers=(
            "儿童常规疫苗在户籍或居住地所属社区卫生服务中心接种，需携带预防接种证；狂犬疫苗可到各区疾控中心"
            "和指定的犬伤门诊接种，被抓伤后应尽快处置。",
        ),
    ),
    Problem(
        "praise",
        ("综合事务", "表扬感谢", "表扬"),
        Kind.PRAISE,
        (STREET,),
        ("感谢{community}网格员", "表扬{street}工作人员"),
        (
            "{community}网格员小{surname}上周帮我们{xiaoqu}协调解决了楼道堆物的问题，随叫随到，很负责。",
            "{street}的工作人员帮助我家办理了困难补助，跑前跑后，特别耐心，全家都很感激。",
        ),
        ("感谢您对我们工作的肯定，我们将继续做好服务。",),
        weight=1.5,
    ),
    Problem(
        "missing_elderly",
        ("综合事务", "其他", "其他诉求"),
        Kind.HELP,
        ("GAJ", STREET),
        ("家中老人走失求助", "{xiaoqu}独居老人联系不上"),
        (
            "我父亲今年八十多岁，有老年痴呆，{time}从{xiaoqu}出门后老人走失了，身上没带手机，请帮忙寻找。",
            "{xiaoqu}{building}的独居老人联系不上，邻居说{since}没见他出门，敲门也没人应。",
        ),
        (
            "接报后辖区派出所立即调取{road}一带监控，会同社区网格员分头寻找，当晚已将老人安全送回家中。",
            "民警和社区工作人员已上门查看，老人因身体不适在家休息，已联系其家属照看。",
        ),
        co=(STREET,),
        weight=0.6,
        urgent=0.8,
    ),
)

# Appeals that end as invalid (无效诉求): unreasonable or abusive, confirmed by a second person.
INVALID_PROBLEMS: tuple[Problem, ...] = (
    Problem(
        "private_debt",
        ("综合事务", "其他", "其他诉求"),
        Kind.HELP,
        (STREET,),
        ("要求政府代为追讨个人借款",),
        ("来电人称朋友借了他{n}万元不还，要求政府出面替其追讨，并由政府先行垫付。",),
    ),
    Problem(
        "abusive_calls",
        ("综合事务", "其他", "其他诉求"),
        Kind.COMPLAINT,
        (STREET,),
        ("反复来电无具体诉求",),
        ("来电人{since}反复拨打热线，接通后情绪激动、辱骂话务员，询问具体诉求时无法说明。",),
    ),
    Problem(
        "job_demand",
        ("综合事务", "其他", "其他诉求"),
        Kind.HELP,
        (STREET,),
        ("要求政府为其安排事业编制工作",),
        ("来电人要求政府直接为其安排事业单位编制工作，称否则将每天来电。",),
    ),
)

INVALID_REASONS = (
    "诉求不属于政府职能范围，属民事纠纷，已告知通过司法途径解决",
    "来电人无具体诉求，属反复骚扰来电",
    "诉求明显不合理，已多次解释说明",
)

OPENINGS = ("", "", "", "您好，", "市民来电反映：", "我是{xiaoqu}的居民，", "我住在{street}{xiaoqu}，")

CLOSINGS: dict[str, tuple[str, ...]] = {
    Kind.COMPLAINT: (
        "希望相关部门尽快处理。",
        "请有关部门尽快解决，谢谢！",
        "之前反映过没有结果，恳请重视。",
    ),
    Kind.HELP: ("请帮忙协调解决。", "希望政府帮帮我们。", "请尽快安排人员处理。"),
    Kind.CONSULTATION: ("", "请予以解答，谢谢。"),
    Kind.SUGGESTION: ("希望有关部门采纳。", "请相关部门研究考虑。"),
    Kind.REPORT: ("请执法部门依法查处。", "希望对举报人信息保密。"),
    Kind.PRAISE: ("特此表扬！", "特来电表示感谢。"),
}

TIMES = (
    "每天晚上十点后",
    "凌晨一两点",
    "早上六点不到",
    "每天中午",
    "周末全天",
    "晚上十一点以后",
    "从昨天下午开始",
    "今天早上七点左右",
    "这几天晚上",
    "每天傍晚",
)

SINCES = ("三天", "一个星期", "半个多月", "一个多月", "两个多月", "好几天")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
)
GIVEN_NAMES = (
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "晓东", "海燕", "志强", "文静", "国庆", "晓梅", "俊杰",
)  # fmt: skip

ROADS = (
    "人民路", "解放路", "建设大道", "中山路", "滨江路", "幸福路", "文化路", "学府路", "光明街", "新华路",
    "长江路", "黄河路", "湖滨路", "青年路", "朝阳路", "胜利路", "和平路", "东风路", "迎宾大道", "科技路",
    "创新大道", "金桥路", "银河路", "红旗路", "五一路", "东湖路", "西山路", "南环路", "北环路", "站前路",
    "公园路", "体育路", "花园路", "工业路", "港口路", "桃源路", "枫林路", "白石路", "文昌路", "长安路",
    "新桥路", "金沙路", "云谷路", "望江路", "书院街", "状元路", "荷花路", "松林路", "渔港路", "杏林路",
    "北塘路", "软件大道", "青山路", "永宁街", "纺织路", "铁路街", "码头街", "海湾路", "翠竹路", "红叶路",
)  # fmt: skip

XIAOQU_PREFIXES = (
    "锦绣", "阳光", "翠湖", "金色", "碧水", "紫薇", "丽景", "书香", "华府", "御景", "和谐", "春晓", "怡馨",
    "星河", "世纪", "滨江", "康乐", "枫丹", "梧桐", "海棠", "盛世", "南湖", "学府", "云栖", "桂花", "兰亭",
    "水岸", "玉兰", "新城", "东方", "明珠", "龙湾", "恒大", "万科", "保利", "绿地",
)  # fmt: skip
XIAOQU_SUFFIXES = ("花园", "小区", "苑", "家园", "名居", "新村", "华庭", "雅居", "公寓", "城")

SHOPS = ("烧烤店", "大排档", "夜宵摊", "火锅店", "KTV", "小吃店", "酒吧", "麻将馆")
COMPANY_PREFIXES = ("宏达", "鑫源", "华泰", "远航", "恒通", "金鼎", "顺发", "锦程", "盛佳", "天利")
COMPANY_TRADES = ("建筑工程", "物流", "装饰工程", "餐饮管理", "电子科技", "物业服务", "劳务", "服装")
TRAINING_NAMES = ("启航", "学霸", "优学", "博雅", "新思维", "智慧树")
GYM_NAMES = ("力美", "悦动", "型格", "超能", "健身工厂")

CO_ANSWERS = (
    "我单位已配合主办单位现场核查，相关情况属实，已按职责完成整改，请主办单位统一答复诉求人。",
    "我单位已派员到场配合处置，职责范围内事项已处理完毕。",
    "经我单位核查，已依职责对相关单位下达整改通知，整改情况将持续跟踪。",
)

RETURN_REASONS = (
    "经核实，该事项不属于我单位职责范围，请改派相关单位。",
    "诉求地址不在我单位辖区，请核实后改派。",
    "该问题涉及的设施产权不属于我单位，建议改派产权管理单位。",
)

REVIEW_NOTES_UPHELD = ("退单理由成立，已改派。", "经核实职责清单，同意退单并改派。")
REVIEW_NOTES_REJECTED = ("经核实权责清单，该事项属于你单位职责，退单理由不成立，请继续办理。",)

# A department's reply in the official form wraps what was done: the greeting and the matter, then
# a contact and the thanks (the unit and the date are added when it is sent). The share answered
# in a bare line instead, as some units do.
REPLY_OPENING = "您好！您反映的“{title}”问题已收悉。"
REPLY_CONTACT = "如有疑问，请致电{dept}（{phone}）。感谢您对我们工作的理解与支持！"
TERSE_REPLY_SHARE = 0.25


def department_phone(code: str) -> str:
    """A department's office number in the demo city: made up, the same for the code every time."""
    return f"0591-8{zlib.crc32(code.encode()) % 10_000_000:07d}"


# The departments' reply templates (答复模板): (name, category path or None for every category,
# text). {…} is filled from the ticket (`knowledge.templates.PLACEHOLDERS`); 【…】 is what the handler
# writes, and a reply that keeps one is refused.
_SIGNATURE = "感谢您对我们工作的理解与支持！\n{承办单位}\n{今天}"
REPLY_TEMPLATES: tuple[tuple[str, tuple[str, ...] | None, str], ...] = (
    (
        "办结答复",
        None,
        "{诉求人}您好！您反映的“{诉求标题}”问题已收悉。经{承办单位}核查，【核查情况与原因】。"
        "我单位已【采取的措施】，目前【办理结果】。如有疑问，请致电【联系电话】与我单位联系。" + _SIGNATURE,
    ),
    (
        "阶段性答复（正在办理）",
        None,
        "{诉求人}您好！您反映的“{诉求标题}”问题已收悉。经核实，情况属实，原因是【原因】。"
        "我单位已安排专人办理，预计于【完成日期】前完成，届时将再次与您联系。" + _SIGNATURE,
    ),
    (
        "情况说明（与反映不符）",
        None,
        "{诉求人}您好！关于您反映的“{诉求标题}”，经{承办单位}现场核查，实际情况为【核查情况】。"
        "依据【政策或法规依据】，【说明与建议】。如有疑问，请致电【联系电话】。" + _SIGNATURE,
    ),
    (
        "咨询答复",
        None,
        "{诉求人}您好！您咨询的“{诉求标题}”答复如下：【答复内容】。依据【政策依据】。"
        "如需进一步了解，可拨打12345热线或致电【联系电话】。" + _SIGNATURE,
    ),
    (
        "噪声扰民答复",
        ("环境保护", "噪声污染"),
        "{诉求人}您好！您反映的{地址}噪声扰民问题已收悉。经{承办单位}于【检查日期】现场检查，"
        "噪声来源为【噪声来源】。依据《中华人民共和国噪声污染防治法》，【处理依据与措施】。"
        "后续我单位将加强巡查，如噪声再次出现，请拨打12345热线或致电【联系电话】。" + _SIGNATURE,
    ),
    (
        "市政设施维修答复",
        ("城乡建设", "市政设施"),
        "{诉求人}您好！您反映的{地址}“{诉求标题}”问题已收悉。经{承办单位}现场核查，"
        "损坏原因是【损坏原因】。维修人员已于【维修日期】完成维修，设施已恢复正常使用。"
        "如有疑问，请致电【联系电话】。" + _SIGNATURE,
    ),
)


GENERIC_REPLIES = (
    "您反映的问题已收悉，经{dept}现场核实并处理，问题已解决。感谢您对我们工作的支持。",
    "经{dept}调查核实，已督促相关责任单位整改到位，后续将加强日常巡查。",
)

CALLBACK_NOTES: dict[str, tuple[str, ...]] = {
    "satisfied": ("市民表示问题已解决，对处理结果满意。", "市民表示处理很及时，满意。"),
    "basically": ("市民表示问题基本解决，但处理时间较长。", "市民表示已有改善，希望持续关注。"),
    "unsatisfied": ("市民表示问题仍未解决，要求重新办理。", "市民表示答复与实际情况不符，不满意。"),
}

CLOSE_NOTES = ("", "回访满意，予以办结。", "已回访，办结。")
CALLBACK_ATTEMPT_NOTES = (
    "电话无人接听。",
    "电话关机。",
    "电话占线，稍后再拨。",
    "市民称正在开会，约定稍后回访。",
)
# Why a department stops its clock (挂起), by `SuspensionReason`; "other" always says why.
SUSPENSION_NOTES: dict[str, tuple[str, ...]] = {
    "citizen_unreachable": ("多次联系诉求人未果，待联系上后继续办理。",),
    "awaiting_material": ("已请诉求人补充现场照片和相关票据。", "待诉求人提供合同等证明材料。"),
    "third_party": ("已委托第三方检测机构检测，待出具报告。", "待产权单位书面答复。"),
    "other": ("涉及多个部门联合执法，待统一安排时间。",),
}
RESUME_NOTES = ("", "材料已补齐，恢复办理。", "已联系上诉求人，恢复计时。", "检测报告已出具，继续办理。")
EXTENSION_REASONS = (
    "需协调多个部门现场联合处置，时限内难以办结。",
    "维修需采购材料，预计工期较长。",
    "涉及历史遗留问题，需调阅档案核实。",
    "需等待施工单位排期，申请延长办理时限。",
)
EXTENSION_NOTES_APPROVED = ("情况属实，同意延期。", "同意延期，请在新时限内办结并答复市民。")
EXTENSION_NOTES_REFUSED = ("延期理由不充分，请按原时限办理。", "该事项可在时限内办结，不同意延期。")
# What the supervisor writes when opening a supervision by hand, and when closing one (销号).
SUPERVISE_REASONS = {
    "order": ("已超期未办结，市民多次来电催问，请限期办结。", "超期未答复，请单位负责人督促办理。"),
    "listing": ("同一问题反复反映，挂牌督办，请彻底解决。",),
    "elevation": ("超期多日仍未办结，提级由上级单位督办。",),
}
RESOLVE_NOTES = ("已答复市民，督办销号。", "经核实已办理，予以销号。")
DISPATCH_NOTES = ("", "", "请按时限办理并答复市民。", "请尽快核实处理。", "市民情绪较急，请优先处理。")

# --- the responsibility list (权责清单) ----------------------------------------------------------------

AREA = "area"  # as a rule's lead: the ticket's own street or town leads (属地主办); in `co`: it co-handles


@dataclass(frozen=True)
class Rule:
    """One line of the demo city's responsibility list; `routing.rules` explains how they combine.

    `lead` and `co` are bureau codes, district names or AREA; `area` is a district or street name.
    """

    name: str
    category: tuple[str, ...]  # one to three levels of CATEGORY_TREE
    lead: str
    co: tuple[str, ...] = ()
    area: str = ""
    keywords: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    priority: int = 0
    active: bool = True
    note: str = ""


# The demo's dispatchers follow this list wherever one of its rules applies (and Problem.leads
# elsewhere), so that the list and what the city really does agree, as they should after a year
# of use. Most first-level categories have a catch-all for appeals whose subcategory is only
# guessed (by the classifier); keyword rules (关键词派单) stand in for the subcategory then.
_BY_KEYWORD = "分类未细分到此时，按关键词推定"
RESPONSIBILITIES: tuple[Rule, ...] = (
    Rule("城乡建设类事项", ("城乡建设",), "ZJJ", note="未细分的城乡建设事项由市住建局接办，按职责转办"),
    Rule(
        "城市道路照明",
        ("城乡建设", "市政设施", "路灯"),
        "CGJ",
        note="市城管局“三定”方案：城市道路照明设施的维护管理",
    ),
    Rule(
        "城市道路照明（机构改革前）",
        ("城乡建设", "市政设施", "路灯"),
        "ZJJ",
        active=False,
        note="机构改革后路灯管理职责由市住建局划入市城管局，本规则停用，留作依据",
    ),
    Rule(
        "高新区市政设施",
        ("城乡建设", "市政设施"),
        "高新区",
        area="高新区",
        priority=1,
        note="高新区范围内的道路、路灯、井盖、排水设施由高新区管委会建设管理部门管养，优先于全市分工",
    ),
    Rule(
        "城市道路维修", ("城乡建设", "市政设施", "道路破损"), "ZJJ", note="城市道路的养护维修（市政工程中心）"
    ),
    Rule(
        "市政井盖",
        ("城乡建设", "市政设施", "井盖缺失"),
        "CGJ",
        note="市政及无主井盖由市城管局负责，专业管线井盖由产权单位负责",
    ),
    Rule(
        "电力井盖",
        ("城乡建设", "市政设施", "井盖缺失"),
        "GDGS",
        keywords=("电力井", "电缆井", "供电井"),
        note="电力检查井盖产权属供电公司",
    ),
    Rule(
        "燃气井盖",
        ("城乡建设", "市政设施", "井盖缺失"),
        "RQGS",
        keywords=("燃气井", "阀门井"),
        note="燃气阀门井盖产权属燃气公司",
    ),
    Rule("城市排水设施", ("城乡建设", "市政设施", "排水管网"), "SWJ", note="市政雨污水管网的疏通养护"),
    Rule(
        "小区内部排水",
        ("城乡建设", "市政设施", "排水管网"),
        AREA,
        co=("SWJ",),
        keywords=("楼下", "楼道", "单元", "小区内"),
        exclude=("市政道路", "主干道"),
        note="小区红线内排水设施由物业负责维护，街道督促，水务局指导",
    ),
    Rule(
        "物业服务管理", ("城乡建设", "物业管理"), AREA, note="物业管理纠纷实行属地管理，街道（乡镇）牵头调处"
    ),
    Rule(
        "电梯安全",
        ("城乡建设", "物业管理", "电梯故障"),
        "SCJ",
        co=("ZJJ",),
        note="电梯属特种设备，市场监管局负责安全监察，住建局督促物业",
    ),
    Rule("住宅专项维修资金", ("城乡建设", "物业管理", "维修资金"), "ZJJ"),
    Rule("住房保障", ("城乡建设", "住房保障"), "ZJJ"),
    Rule("路灯（关键词）", ("城乡建设", "市政设施", "路灯"), "CGJ", keywords=("路灯",), note=_BY_KEYWORD),
    Rule("井盖（关键词）", ("城乡建设", "市政设施", "井盖缺失"), "CGJ", keywords=("井盖",), note=_BY_KEYWORD),
    Rule(
        "排水（关键词）",
        ("城乡建设", "市政设施", "排水管网"),
        "SWJ",
        keywords=("下水道", "雨水井", "污水外溢"),
        exclude=("楼下", "楼道", "单元", "小区内"),
        note=_BY_KEYWORD,
    ),
    Rule(
        "物业（关键词）",
        ("城乡建设", "物业管理", "物业服务"),
        AREA,
        keywords=("物业",),
        exclude=("电梯",),
        note=_BY_KEYWORD,
    ),
    Rule(
        "电梯（关键词）",
        ("城乡建设", "物业管理", "电梯故障"),
        "SCJ",
        co=("ZJJ",),
        keywords=("电梯",),
        note=_BY_KEYWORD,
    ),
    Rule("生态环境类事项", ("环境保护",), "SHJ"),
    Rule(
        "建筑施工噪声",
        ("环境保护", "噪声污染", "施工噪声"),
        "SHJ",
        co=("CGJ",),
        note="生态环境局查处施工噪声，城管局配合夜间巡查",
    ),
    Rule(
        "市政工程施工噪声",
        ("环境保护", "噪声污染", "施工噪声"),
        "ZJJ",
        co=("SHJ",),
        keywords=("道路施工", "管网施工", "市政工程"),
        note="市政工程由建设主管部门督促施工单位",
    ),
    Rule(
        "社会生活噪声",
        ("环境保护", "噪声污染", "社会生活噪声"),
        "GAJ",
        note="《噪声污染防治法》：社会生活噪声由公安机关处理",
    ),
    Rule(
        "室内装修噪声",
        ("环境保护", "噪声污染", "社会生活噪声"),
        AREA,
        keywords=("装修", "电钻"),
        exclude=("商铺", "门面"),
        note="住宅室内装修由物业管理，街道社区协调",
    ),
    Rule(
        "广场舞噪声",
        ("环境保护", "噪声污染", "社会生活噪声"),
        AREA,
        co=("GAJ",),
        keywords=("广场舞",),
        note="社区协调活动时间和音量，派出所配合",
    ),
    Rule("交通噪声", ("环境保护", "噪声污染", "交通噪声"), "JTJ", co=("SHJ",)),
    Rule(
        "机动车鸣笛",
        ("环境保护", "噪声污染", "交通噪声"),
        "GAJ",
        co=("JTJ",),
        keywords=("鸣笛", "禁鸣"),
        note="禁鸣路段由公安交管部门执法",
    ),
    Rule("餐饮油烟", ("环境保护", "大气污染", "餐饮油烟"), "SHJ"),
    Rule(
        "露天烧烤",
        ("环境保护", "大气污染", "餐饮油烟"),
        "CGJ",
        keywords=("露天烧烤", "路边烧烤"),
        exclude=("室内",),
        note="城市建成区露天烧烤由城管部门查处",
    ),
    Rule(
        "工地扬尘",
        ("环境保护", "大气污染", "工地扬尘"),
        "ZJJ",
        co=("SHJ",),
        note="建筑工地扬尘由住建部门监管",
    ),
    Rule("露天焚烧", ("环境保护", "大气污染", "露天焚烧"), AREA, note="街道（乡镇）负责辖区禁烧巡查"),
    Rule(
        "河道污染",
        ("环境保护", "水污染", "河道污染"),
        "SWJ",
        co=("SHJ",),
        note="河长制：水务局牵头治理，生态环境局查排污口",
    ),
    Rule("企业排污", ("环境保护", "水污染", "企业排污"), "SHJ"),
    Rule(
        "河道（关键词）",
        ("环境保护", "水污染", "河道污染"),
        "SWJ",
        co=("SHJ",),
        keywords=("河道", "小河"),
        note=_BY_KEYWORD,
    ),
    Rule(
        "扬尘（关键词）",
        ("环境保护", "大气污染", "工地扬尘"),
        "ZJJ",
        co=("SHJ",),
        keywords=("扬尘",),
        note=_BY_KEYWORD,
    ),
    Rule(
        "焚烧（关键词）",
        ("环境保护", "大气污染", "露天焚烧"),
        AREA,
        keywords=("焚烧", "秸秆"),
        note=_BY_KEYWORD,
    ),
    Rule("城市管理类事项", ("城市管理",), "CGJ"),
    Rule(
        "占道经营",
        ("城市管理", "市容环境", "占道经营"),
        AREA,
        co=("CGJ",),
        note="街道综合行政执法队查处，城管局指导",
    ),
    Rule("生活垃圾清运", ("城市管理", "市容环境", "垃圾清运"), "CGJ"),
    Rule(
        "江口区生活垃圾清运",
        ("城市管理", "市容环境", "垃圾清运"),
        AREA,
        area="江口区",
        note="江口区实行“村收集、镇转运”，垃圾清运由街道、镇包干",
    ),
    Rule(
        "违规广告", ("城市管理", "市容环境", "违规广告"), "CGJ", co=(AREA,), note="城管局查处，属地协助清理"
    ),
    Rule("违法建设", ("城市管理", "违法建设"), AREA, co=("CGJ",), note="违法建设治理属地负责"),
    Rule("园林绿化", ("城市管理", "园林绿化"), "CGJ"),
    Rule(
        "占道（关键词）",
        ("城市管理", "市容环境", "占道经营"),
        AREA,
        co=("CGJ",),
        keywords=("占道", "摊贩"),
        note=_BY_KEYWORD,
    ),
    Rule(
        "违建（关键词）",
        ("城市管理", "违法建设"),
        AREA,
        co=("CGJ",),
        keywords=("违章搭建", "私搭乱建"),
        note=_BY_KEYWORD,
    ),
    Rule(
        "树木压线",
        ("城市管理", "园林绿化", "树木修剪"),
        "CGJ",
        co=("GDGS",),
        keywords=("电线", "电力线"),
        note="树木与电力线路安全距离不足时供电公司配合修剪",
    ),
    Rule("供水服务", ("水电气", "供水"), "SWJ"),
    Rule(
        "自来水水质", ("水电气", "供水", "水质问题"), "SWJ", co=("WJW",), note="卫健委负责生活饮用水卫生监督"
    ),
    Rule(
        "二次供水",
        ("水电气", "供水"),
        AREA,
        co=("SWJ",),
        keywords=("二次供水", "水箱", "加压泵"),
        note="小区二次供水设施由物业管理",
    ),
    Rule("供电服务", ("水电气", "供电"), "GDGS"),
    Rule("燃气服务与安全", ("水电气", "燃气"), "RQGS"),
    Rule("停电（关键词）", ("水电气", "供电"), "GDGS", keywords=("停电", "断电"), note=_BY_KEYWORD),
    Rule("燃气（关键词）", ("水电气", "燃气"), "RQGS", keywords=("燃气", "煤气"), note=_BY_KEYWORD),
    Rule(
        "供水（关键词）",
        ("水电气", "供水"),
        "SWJ",
        keywords=("停水", "自来水"),
        exclude=("二次供水", "水箱", "加压泵"),
        note=_BY_KEYWORD,
    ),
    Rule("交通运输类事项", ("交通运输",), "JTJ"),
    Rule("道路交通秩序", ("交通运输", "道路交通"), "GAJ", note="公安交管部门"),
    Rule(
        "小区消防通道占用",
        ("交通运输", "道路交通", "违章停车"),
        AREA,
        co=("GAJ",),
        keywords=("消防通道",),
        note="小区内部道路不属交警管辖，由物业和街道清理，派出所配合",
    ),
    Rule(
        "道路交通（关键词）",
        ("交通运输", "道路交通"),
        "GAJ",
        keywords=("乱停车", "违停", "红绿灯", "信号灯"),
        exclude=("消防通道",),
        note=_BY_KEYWORD,
    ),
    Rule("劳动和社会保障类事项", ("劳动和社会保障",), "RSJ"),
    Rule(
        "工程建设领域欠薪",
        ("劳动和社会保障", "劳动关系", "拖欠工资"),
        "RSJ",
        co=("ZJJ",),
        keywords=("工地", "项目部", "包工头", "农民工"),
        note="根治欠薪：人社局查处，住建局督促施工总包单位",
    ),
    Rule("教育类事项", ("教育文体",), "JYJ"),
    Rule("校外培训", ("教育文体", "基础教育", "校外培训"), "JYJ", co=("SCJ",)),
    Rule("社区文体设施", ("教育文体", "文体设施"), AREA),
    Rule("健身器材（关键词）", ("教育文体", "文体设施"), AREA, keywords=("健身器材",), note=_BY_KEYWORD),
    Rule("市场监管类事项", ("市场监管",), "SCJ"),
    Rule("卫生健康类事项", ("卫生健康",), "WJW"),
    Rule("病媒生物防制", ("卫生健康", "公共卫生", "病媒生物"), AREA, note="爱国卫生运动由街道社区组织"),
    Rule(
        "病媒（关键词）",
        ("卫生健康", "公共卫生", "病媒生物"),
        AREA,
        keywords=("老鼠", "蚊子", "消杀"),
        note=_BY_KEYWORD,
    ),
    Rule(
        "表扬感谢",
        ("综合事务", "表扬感谢"),
        AREA,
        keywords=("表扬", "感谢", "锦旗"),
        note="转被表扬单位；其他综合事务无固定承办单位，由派单员判断",
    ),
)

# --- the gazetteer (地名库) and the map ------------------------------------------------------------------

# Other names people use for an area: former names (撤县设区, 撤乡设镇) and short names. The streets'
# residential compounds and the roads that run through one street only are added by the generator.
PLACE_ALIASES: dict[str, tuple[str, ...]] = {
    "高新区": ("高新技术产业开发区", "高新开发区", "高新园区"),
    "江口区": ("江口县",),
    "青山镇": ("青山乡",),
    "白石镇": ("白石乡",),
    "渔港镇": ("渔港乡",),
    "桃源镇": ("桃源乡",),
    "软件园街道": ("软件园片区",),
    "云谷街道": ("云谷片区",),
}

# Where the made-up city lies: each district fills one cell of a grid (column, row from the
# north-west corner), and its streets divide the cell into strips from west to east. Communities
# have no boundary: the demo city dispatches to streets and towns (its communities have no logins),
# and a point inside a community would make the community the 属地 of area-led rules.
MAP_ORIGIN = (112.90, 28.30)  # longitude, latitude of the north-west corner
MAP_CELL = (0.10, 0.08)  # degrees of longitude and latitude per district
DISTRICT_CELLS: dict[str, tuple[int, int]] = {
    "西山区": (0, 0),
    "北塘区": (1, 0),
    "东湖区": (2, 0),
    "高新区": (0, 1),
    "南城区": (1, 1),
    "江口区": (2, 1),
}
