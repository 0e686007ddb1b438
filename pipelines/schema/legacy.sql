-- pipelines/schema/legacy.sql: the legacy Django database (the lab's
-- "dispatch" app and Django's auth and contenttypes apps), as far as
-- ../shared/legacy-schema.md knows it: every table the pipelines read,
-- with Django's types and quirks.
--
--   * Integer serial primary keys; booleans NOT NULL; CharField is
--     varchar(n) NOT NULL where Django stores '' for "blank" (auth_user's
--     names and email), nullable where the real data shows NULLs.
--   * DecimalField is numeric(p, s): money is numeric(10, 2), never float.
--   * Reserved words as column names: dispatch_instruction."order",
--     dispatch_role."order", dispatch_category."order", dispatch_state."on".
--   * Generic foreign key: dispatch_record (target_type_id, target_id),
--     target_type_id -> django_content_type, target_id -> the row of that
--     type's table.  Content-type ids are install specific: resolve them
--     by (app_label, model).
--   * JSON kept in text columns (dispatch_patient.schemes,
--     dispatch_instruction.exports, dispatch_file.parameters,
--     dispatch_product.customization), some of it malformed.
--   * No FOREIGN KEY constraint where the real data has orphans (or may,
--     by what the old scripts had to skip): such references are plain
--     integer columns with the index Django gives every ForeignKey.  The
--     constraints that remain are those Django creates (DEFERRABLE
--     INITIALLY DEFERRED) on tables where no orphan is known.
--
-- Columns marked [I] are inferred; legacy-schema.md names no type for them.
-- Load into an empty database in one transaction:
--     psql -1 -v ON_ERROR_STOP=1 -f legacy.sql

-- Django's contenttypes and auth apps --------------------------------

CREATE TABLE django_content_type (
	id serial PRIMARY KEY,
	app_label varchar(100) NOT NULL,
	model varchar(100) NOT NULL,
	CONSTRAINT django_content_type_app_label_model_76bd3d3b_uniq
		UNIQUE (app_label, model)
);

CREATE TABLE auth_group (
	id serial PRIMARY KEY,
	name varchar(150) NOT NULL UNIQUE
);

CREATE TABLE auth_user (
	id serial PRIMARY KEY,
	password varchar(128) NOT NULL,		-- algorithm$iterations$salt$hash
	last_login timestamptz,
	is_superuser boolean NOT NULL,
	username varchar(150) NOT NULL UNIQUE,
	first_name varchar(150) NOT NULL,	-- '' when blank; also the text 'null'
	last_name varchar(150) NOT NULL,
	email varchar(254) NOT NULL,		-- '' when blank; not validated
	is_staff boolean NOT NULL,
	is_active boolean NOT NULL,
	date_joined timestamptz NOT NULL
);

-- Users can be in several groups: 1 Patient, 2 Doctor, 11 Technician...
CREATE TABLE auth_user_groups (
	id serial PRIMARY KEY,
	user_id integer NOT NULL REFERENCES auth_user (id)
		DEFERRABLE INITIALLY DEFERRED,
	group_id integer NOT NULL REFERENCES auth_group (id)
		DEFERRABLE INITIALLY DEFERRED,
	CONSTRAINT auth_user_groups_user_id_group_id_94350c0c_uniq
		UNIQUE (user_id, group_id)
);
CREATE INDEX auth_user_groups_group_id_97559544 ON auth_user_groups (group_id);

-- Offices and doctors -------------------------------------------------

CREATE TABLE dispatch_office (
	id serial PRIMARY KEY,
	name varchar(255),			-- NULL or blank in places
	address varchar(255),
	apt varchar(64),
	city varchar(128),
	state varchar(64),
	zip varchar(32),			-- ZIP, ZIP+4, foreign postcodes
	country varchar(64),			-- free text: 'USA', 'us', 'United States', NULL...
	phone varchar(32),
	tax_rate numeric(8, 5),			-- a percent (10.25) or a fraction (0.1025)
	valid boolean NOT NULL,
	sq_customer_id varchar(64),		-- Square customer id
	emails boolean NOT NULL,
	doctor_id integer			-- an auth_user id; unused by the migration
);

-- Django M2M office <-> doctor user.
CREATE TABLE dispatch_office_doctors (
	id serial PRIMARY KEY,
	office_id integer NOT NULL,		-- orphans: no FK
	user_id integer NOT NULL REFERENCES auth_user (id)
		DEFERRABLE INITIALLY DEFERRED,
	CONSTRAINT dispatch_office_doctors_office_id_user_id_uniq
		UNIQUE (office_id, user_id)
);
CREATE INDEX dispatch_office_doctors_user_id ON dispatch_office_doctors (user_id);

CREATE TABLE dispatch_doctorsetting (
	id serial PRIMARY KEY,
	user_id integer NOT NULL UNIQUE REFERENCES auth_user (id)
		DEFERRABLE INITIALLY DEFERRED,
	clinical_preferences text NOT NULL,
	sq_customer_id varchar(64),
	promised_payment boolean NOT NULL,
	credit numeric(10, 2) NOT NULL,
	tier_finish varchar(32),		-- [I]
	tier_type integer,			-- [I]
	installment_payments integer NOT NULL,
	baa_agreed_at timestamptz,
	eula_agreed_at timestamptz,
	company_account boolean NOT NULL
);

-- Columns other than user_id are unknown [I].
CREATE TABLE dispatch_usersetting (
	id serial PRIMARY KEY,
	user_id integer NOT NULL UNIQUE REFERENCES auth_user (id)
		DEFERRABLE INITIALLY DEFERRED,
	language varchar(8) NOT NULL,		-- [I]
	timezone varchar(64) NOT NULL,		-- [I]
	notify_by_email boolean NOT NULL	-- [I]
);

-- Patients ------------------------------------------------------------

CREATE TABLE dispatch_patient (
	id serial PRIMARY KEY,
	user_id integer NOT NULL UNIQUE,	-- auth_user; orphans: no FK
	doctor_id integer,			-- an auth_user id, not a doctor-table id
	office_id integer,			-- dispatch_office; orphans
	birthdate date,
	sex smallint CHECK (sex >= 0),		-- 1 male, 2 female, 0 / NULL
	archived boolean NOT NULL,
	suspended boolean NOT NULL,
	status integer NOT NULL,		-- 1, 2, 4, 10 seen; others unknown
	submitted_at timestamptz,
	updated_at timestamptz,
	suffix varchar(10),			-- typically 4 characters, e.g. 00BB
	schemes text				-- JSON, sometimes malformed
);
CREATE INDEX dispatch_patient_doctor_id ON dispatch_patient (doctor_id);
CREATE INDEX dispatch_patient_office_id ON dispatch_patient (office_id);

-- Products, courses, jaws ---------------------------------------------

CREATE TABLE dispatch_course (
	id serial PRIMARY KEY,			-- 1, 2, 3, 4, 7, 8 are referenced
	name varchar(64) NOT NULL,
	type integer NOT NULL,
	customization text
);

CREATE TABLE dispatch_product (
	id serial PRIMARY KEY,
	name varchar(255) NOT NULL,
	description text NOT NULL,
	free boolean NOT NULL,
	deleted boolean NOT NULL,
	customization text,			-- JSON, sometimes malformed
	type integer NOT NULL,
	substitute boolean NOT NULL,
	course_id integer REFERENCES dispatch_course (id)
		DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE dispatch_jaw (
	id serial PRIMARY KEY,
	bond_teeth varchar(128) NOT NULL,
	extract_teeth varchar(128) NOT NULL,
	reason integer,
	product_id integer REFERENCES dispatch_product (id)
		DEFERRABLE INITIALLY DEFERRED,
	labial boolean NOT NULL
);

-- Orders: dispatch_instruction ----------------------------------------

CREATE TABLE dispatch_instruction (
	id serial PRIMARY KEY,
	patient_id integer NOT NULL,		-- dispatch_patient; orphans
	course_id integer,			-- dispatch_course; unknown codes: no FK
	status integer NOT NULL,		-- 0, 1, 2, 4 known
	deleted boolean NOT NULL,		-- soft delete
	submitted_at timestamptz,
	updated_at timestamptz,
	notes text,
	complaint text,
	conditions text,
	objective text,
	price numeric(10, 2),
	exports text,				-- JSON, sometimes malformed
	cbct boolean NOT NULL,
	model integer,
	scanner integer,
	scanner_notes text,
	"order" integer NOT NULL,		-- a reserved word as a column name
	upper_jaw_id integer UNIQUE REFERENCES dispatch_jaw (id)
		DEFERRABLE INITIALLY DEFERRED,
	lower_jaw_id integer UNIQUE REFERENCES dispatch_jaw (id)
		DEFERRABLE INITIALLY DEFERRED,
	comprehensive boolean NOT NULL,
	accept_extraction boolean NOT NULL,
	suffix varchar(10)
);
CREATE INDEX dispatch_instruction_patient_id ON dispatch_instruction (patient_id);

-- Order status changes.
CREATE TABLE dispatch_state (
	id serial PRIMARY KEY,
	instruction_id integer,			-- NULL and orphans
	status integer NOT NULL,		-- 11 and 12 seen
	"on" boolean NOT NULL,			-- a reserved word as a column name
	actor_id integer,			-- auth_user; NULL and orphans
	changed_at timestamptz NOT NULL
);
CREATE INDEX dispatch_state_instruction_id ON dispatch_state (instruction_id);

-- Messages: dispatch_record and its generic foreign key ---------------

CREATE TABLE dispatch_record (
	id serial PRIMARY KEY,
	target_type_id integer NOT NULL REFERENCES django_content_type (id)
		DEFERRABLE INITIALLY DEFERRED,
	target_id integer NOT NULL CHECK (target_id >= 0),
	type integer NOT NULL,			-- 3, 5, 6, 8 known
	text text,
	author_id integer,			-- auth_user; NULL for system records
	created_at timestamptz NOT NULL,
	group_id integer,			-- auth_group; not checked
	public boolean NOT NULL
);
CREATE INDEX dispatch_record_target ON dispatch_record (target_type_id, target_id);
CREATE INDEX dispatch_record_author_id ON dispatch_record (author_id);

-- Django M2M record <-> file (0 rows in the real database).
CREATE TABLE dispatch_record_attachments (
	id serial PRIMARY KEY,
	record_id integer NOT NULL,
	file_id integer NOT NULL,		-- orphans: no FK
	CONSTRAINT dispatch_record_attachments_record_id_file_id_uniq
		UNIQUE (record_id, file_id)
);
CREATE INDEX dispatch_record_attachments_file_id ON dispatch_record_attachments (file_id);

-- Files ---------------------------------------------------------------

CREATE TABLE dispatch_file (
	id serial PRIMARY KEY,
	uid varchar(64) NOT NULL,		-- the storage key
	name varchar(255) NOT NULL,
	ext varchar(16) NOT NULL,		-- 'stl', '.stl', 'STL', ''
	size bigint,
	type integer NOT NULL,
	instruction_id integer,			-- dispatch_instruction; orphans
	record_id integer,			-- dispatch_record; orphans
	product_id integer,			-- dispatch_product
	created_at timestamptz NOT NULL,
	description text,
	parameters text,			-- JSON, sometimes malformed
	status integer NOT NULL
);
CREATE INDEX dispatch_file_instruction_id ON dispatch_file (instruction_id);
CREATE INDEX dispatch_file_record_id ON dispatch_file (record_id);
CREATE INDEX dispatch_file_product_id ON dispatch_file (product_id);

-- Projects, plans, comments, brackets ---------------------------------

CREATE TABLE dispatch_project (
	id serial PRIMARY KEY,
	uid varchar(64) NOT NULL,
	name varchar(255) NOT NULL,
	size bigint,
	public boolean NOT NULL,
	type integer NOT NULL,
	status integer NOT NULL,
	creator_id integer,			-- auth_user; NULL and orphans
	created_at timestamptz NOT NULL
);

CREATE TABLE dispatch_plan (
	id serial PRIMARY KEY,
	instruction_id integer,			-- NULL and orphans
	project_id integer NOT NULL,		-- orphans
	number integer NOT NULL,
	name varchar(255),
	notes text,
	original boolean NOT NULL
);
CREATE INDEX dispatch_plan_instruction_id ON dispatch_plan (instruction_id);
CREATE INDEX dispatch_plan_project_id ON dispatch_plan (project_id);

CREATE TABLE dispatch_comment (
	id serial PRIMARY KEY,
	plan_id integer NOT NULL,		-- dispatch_plan; orphans
	author_id integer,			-- auth_user; NULL and orphans
	text text,
	created_at timestamptz NOT NULL
);
CREATE INDEX dispatch_comment_plan_id ON dispatch_comment (plan_id);

-- Project-level bracket records, not a supplies catalog.
CREATE TABLE dispatch_bracket (
	id serial PRIMARY KEY,
	name varchar(255),
	project_id integer NOT NULL,		-- dispatch_project; orphans
	type integer
);
CREATE INDEX dispatch_bracket_project_id ON dispatch_bracket (project_id);

-- Roles and templates -------------------------------------------------

CREATE TABLE dispatch_category (
	id serial PRIMARY KEY,
	name varchar(128) NOT NULL,
	parent_id integer REFERENCES dispatch_category (id)
		DEFERRABLE INITIALLY DEFERRED,
	"order" integer NOT NULL
);

CREATE TABLE dispatch_role (
	id serial PRIMARY KEY,
	name varchar(128) NOT NULL,
	abbrev varchar(16),
	type integer,
	"order" integer NOT NULL,
	user_id integer,			-- auth_user; NULL (a catalog role) and orphans
	group_id integer REFERENCES auth_group (id)
		DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX dispatch_role_group_id ON dispatch_role (group_id);

CREATE TABLE dispatch_template (
	id serial PRIMARY KEY,
	task_name varchar(255),
	text_name varchar(255),
	action_name varchar(255),
	function varchar(128),
	status integer NOT NULL,		-- 1 active
	duration integer,			-- minutes
	category_id integer,			-- dispatch_category; orphans
	predefined boolean NOT NULL,
	read_only boolean NOT NULL,
	extensions text,
	alerts text,
	separate boolean NOT NULL
);

-- Django M2M junctions: who may view a template.
CREATE TABLE dispatch_template_view_groups (
	id serial PRIMARY KEY,
	template_id integer NOT NULL,		-- orphans
	group_id integer NOT NULL,		-- auth_group; orphans
	CONSTRAINT dispatch_template_view_groups_template_id_group_id_uniq
		UNIQUE (template_id, group_id)
);

CREATE TABLE dispatch_template_view_roles (
	id serial PRIMARY KEY,
	template_id integer NOT NULL,		-- orphans
	role_id integer NOT NULL,		-- dispatch_role; orphans
	CONSTRAINT dispatch_template_view_roles_template_id_role_id_uniq
		UNIQUE (template_id, role_id)
);

-- Money ---------------------------------------------------------------

CREATE TABLE dispatch_payment (
	id serial PRIMARY KEY,
	instruction_id integer,			-- dispatch_instruction; orphans
	order_id integer,			-- dispatch_order (out of scope); mostly NULL
	doctor_id integer,			-- auth_user
	office_id integer,			-- dispatch_office
	paid_price numeric(10, 2),
	total_price numeric(10, 2),
	subtotal_price numeric(10, 2),
	tax_rate numeric(8, 5),			-- a percent or a fraction
	tax_value numeric(10, 2),
	used_credit numeric(10, 2),
	additional_price numeric(10, 2),
	custom_price numeric(10, 2),
	paid boolean NOT NULL,
	canceled boolean NOT NULL,
	free boolean NOT NULL,
	made_at timestamptz,
	installments integer NOT NULL
);
CREATE INDEX dispatch_payment_instruction_id ON dispatch_payment (instruction_id);

-- Empty in the real database: purchases are derived from payments.
CREATE TABLE dispatch_purchase (
	id serial PRIMARY KEY,
	quantity integer NOT NULL,
	price numeric(10, 2) NOT NULL,
	order_id integer,
	product_id integer
);

