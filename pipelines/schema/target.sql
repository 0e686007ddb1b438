-- pipelines/schema/target.sql: the new schema ferry migrates into.
--
-- Every table has `id uuid` as its primary key.  The pipelines compute it
-- as UUIDv5 of the legacy id (ferry-transform --uuid id=v5:TABLE:legacy
-- column), so the default below only serves rows made by hand.  Every
-- table also keeps its legacy id in a `legacy_*` column under a UNIQUE
-- constraint: the key that `ferry-load --key` names, so that a re-run
-- inserts nothing twice (INSERT ... ON CONFLICT (key) DO NOTHING).
-- `metadata jsonb` holds legacy fields that have no column of their own.
-- Money is numeric, never float.  docs/mapping.md says where every
-- column comes from and why.
--
-- JSON that the legacy database kept in text columns is loaded as text
-- into `<name>_raw`; `<name>` is a generated jsonb column holding the
-- parsed value, or NULL where the text is empty or not JSON.  Nothing is
-- lost and nothing is rejected for malformed JSON.
--
-- The file has three parts.  The first creates types, functions and
-- tables with their primary keys, NOT NULL, CHECK and defaults; the
-- second, after the line "-- ferry: constraints", adds the UNIQUE
-- constraints; the third, after "-- ferry: foreign keys", the FOREIGN KEY
-- constraints.  Loading the whole file gives the complete schema; a bulk
-- loader may run the first two parts, load the data, then run the third
-- (pipelines/migrate --fresh does, with ferry-load --fresh rebuilding each
-- table's keys after its rows).
-- Load it in one transaction: psql -1 -v ON_ERROR_STOP=1 -f target.sql.
-- PostgreSQL 13 or later (gen_random_uuid is built in).

-- The parsed value of JSON kept in text, or NULL when the text is NULL,
-- blank or not JSON.  Immutable, so generated columns may use it.
CREATE FUNCTION ferry_try_jsonb(value text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
	IF value IS NULL OR btrim(value) = '' THEN
		RETURN NULL;
	END IF;
	RETURN value::jsonb;
EXCEPTION WHEN data_exception THEN
	RETURN NULL;
END $$;

CREATE TYPE profile_type AS ENUM ('patient', 'doctor', 'technician', 'master',
	'admin', 'sales_person', 'agent', 'client');
CREATE TYPE gender AS ENUM ('male', 'female', 'other', 'unknown');
CREATE TYPE member_status AS ENUM ('active', 'inactive');
CREATE TYPE patient_status AS ENUM ('active', 'consultation', 'treatment_plan',
	'in_treatment', 'retention', 'completed', 'on_hold', 'cancelled',
	'transferred', 'archived', 'prospect');
CREATE TYPE case_status AS ENUM ('consultation', 'diagnosis', 'treatment_plan',
	'active', 'refinement', 'retention', 'completed', 'cancelled', 'on_hold',
	'transferred', 'revision');
CREATE TYPE order_status AS ENUM ('no_product', 'submitted', 'approved',
	'in_production', 'shipped', 'add_plan', 'on_hold', 'cancelled');
CREATE TYPE course_type AS ENUM ('main', 'refinement', 'any', 'replacement',
	'invoice', 'merchandise');
CREATE TYPE technician_type AS ENUM ('designing', 'manufacturing', 'sectioning',
	'remote', 'master', 'quality_control');
CREATE TYPE comment_type AS ENUM ('treatment_discussion', 'doctor_note',
	'task_note', 'notification_context', 'record_annotation');

-- Catalogs ------------------------------------------------------------

-- auth_group.
CREATE TABLE teams (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	name text NOT NULL,
	legacy_group_id integer NOT NULL,
	metadata jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz DEFAULT now()
);

-- dispatch_category.
CREATE TABLE categories (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	name text NOT NULL,
	parent_id uuid,
	sort_order integer,
	legacy_category_id integer NOT NULL,
	legacy_parent_id integer,
	metadata jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz DEFAULT now()
);

-- dispatch_office: all of them, valid or not (is_active).
CREATE TABLE offices (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	name text NOT NULL CHECK (name <> ''),
	address text,
	apartment text,
	city text,
	state text,
	zip_code text,
	country text,
	phone text,
	tax_rate numeric(7, 6) NOT NULL DEFAULT 0
		CHECK (tax_rate >= 0 AND tax_rate < 1),
	square_customer_id text,
	is_active boolean NOT NULL,
	email_notifications boolean NOT NULL,
	legacy_office_id integer NOT NULL,
	metadata jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz DEFAULT now(),
	updated_at timestamptz DEFAULT now()
);

-- auth_user: one profile per user.
CREATE TABLE profiles (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	profile_type profile_type NOT NULL,
	first_name text NOT NULL,
	last_name text NOT NULL,
	email text CONSTRAINT email_format
		CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
	phone text,
	date_of_birth date,
	gender gender NOT NULL DEFAULT 'unknown',
	username text NOT NULL,
	password_hash text,
	is_active boolean NOT NULL,
	is_verified boolean NOT NULL DEFAULT false,
	archived boolean NOT NULL DEFAULT false,
	suspended boolean NOT NULL DEFAULT false,
	patient_suffix varchar(10),
	insurance_info jsonb,
	medical_history jsonb,
	last_login_at timestamptz,
	legacy_user_id integer NOT NULL,
	legacy_patient_id integer,
	metadata jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz DEFAULT now(),
	updated_at timestamptz DEFAULT now(),
	CONSTRAINT patient_suffix_required CHECK (profile_type <> 'patient'
		OR (patient_suffix IS NOT NULL AND patient_suffix <> ''))
);

-- dispatch_role: every role, of any group.
CREATE TABLE roles (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	name text NOT NULL,
	abbreviation text,
	role_type integer,
	sort_order integer,
	team_id uuid,
	legacy_role_id integer NOT NULL,
	legacy_user_id integer,
	legacy_group_id integer,
	metadata jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz DEFAULT now()
);

-- Doctors -------------------------------------------------------------

-- The doctors set of docs/mapping.md, keyed by the user's id.
CREATE TABLE doctors (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	profile_id uuid NOT NULL,
	doctor_number text NOT NULL,
	specialty text,
	years_experience integer,
	primary_office_id uuid,
	status member_status NOT NULL DEFAULT 'active',
	is_accepting_patients boolean NOT NULL DEFAULT true,
	max_patient_load integer,
	licensed_since date,
	joined_practice_at timestamptz,
	license_number text,
	npi_number text,
	practice_type text,
	bio text,
	consultation_fee numeric(12, 2),
	specialties jsonb NOT NULL DEFAULT '[]',
	languages_spoken jsonb NOT NULL DEFAULT '[]',
	board_certifications jsonb NOT NULL DEFAULT '[]',
	professional_memberships jsonb NOT NULL DEFAULT '[]',
	education jsonb NOT NULL DEFAULT '{}',
	working_hours jsonb NOT NULL DEFAULT '{}',
	payment_terms jsonb NOT NULL DEFAULT '{}',
	consultation_duration_minutes integer,
	follow_up_duration_minutes integer,
	accepts_insurance boolean,
	legacy_user_id integer NOT NULL,
	legacy_primary_office_id integer,
	metadata jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz DEFAULT now(),
	updated_at timestamptz DEFAULT now()
);

-- dispatch_office_doctors.
CREATE TABLE doctor_offices (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	doctor_id uuid NOT NULL,
	office_id uuid NOT NULL,
	is_primary boolean NOT NULL,
	is_active boolean NOT NULL DEFAULT true,
	legacy_office_doctor_id integer NOT NULL,
	legacy_user_id integer NOT NULL,
	legacy_office_id integer NOT NULL,
	metadata jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz DEFAULT now()
);

-- Patients and cases --------------------------------------------------

CREATE TABLE patients (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	profile_id uuid NOT NULL,
	patient_number text NOT NULL,
	primary_doctor_id uuid,
	assigned_office_id uuid,
	status patient_status NOT NULL,
	sex gender NOT NULL DEFAULT 'unknown',
	date_of_birth date,
	suffix varchar(10),
	archived boolean NOT NULL,
	suspended boolean NOT NULL,
	schemes_raw text,
	schemes jsonb GENERATED ALWAYS AS (ferry_try_jsonb(schemes_raw)) STORED,
	enrolled_at timestamptz,
	legacy_patient_id integer NOT NULL,
	legacy_user_id integer NOT NULL,
	legacy_doctor_id integer,
	legacy_office_id integer,
	metadata jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz DEFAULT now(),
	updated_at timestamptz DEFAULT now()
);

-- One case per dispatch_patient (there is no legacy case table).
CREATE TABLE cases (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	case_number text NOT NULL,
	patient_id uuid NOT NULL,
	primary_doctor_id uuid,
	office_id uuid,
	status case_status NOT NULL,
	deleted boolean NOT NULL,
	legacy_patient_id integer NOT NULL,
	metadata jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz DEFAULT now(),
	updated_at timestamptz DEFAULT now()
);

-- Products and orders -------------------------------------------------

CREATE TABLE products (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	name text NOT NULL,
	description text,
	course_type course_type NOT NULL,
	base_price numeric(12, 2),
	is_free boolean NOT NULL,
	is_active boolean NOT NULL,
	is_substitute boolean NOT NULL,
	product_type integer,
	customization_raw text,
	customization jsonb
		GENERATED ALWAYS AS (ferry_try_jsonb(customization_raw)) STORED,
	legacy_product_id integer NOT NULL,	-- dispatch_product.id
	legacy_course_id integer,		-- dispatch_product.course_id
	metadata jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz DEFAULT now()
);

-- dispatch_instruction.
CREATE TABLE orders (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	order_number text NOT NULL,
	patient_id uuid NOT NULL,
	doctor_id uuid,
	office_id uuid,
	course_type course_type NOT NULL,
	status order_status NOT NULL,
	notes text,
	complaint text,
	amount numeric(12, 2),
	submitted_at timestamptz,
	approved_at timestamptz,
	shipped_at timestamptz,
	deleted boolean NOT NULL DEFAULT false,
	deleted_at timestamptz,
	exports_raw text,
	exports jsonb GENERATED ALWAYS AS (ferry_try_jsonb(exports_raw)) STORED,
	suffix varchar(10),
	legacy_instruction_id integer NOT NULL,
	legacy_patient_id integer NOT NULL,
	legacy_status integer NOT NULL,
	legacy_course_id integer,
	metadata jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz DEFAULT now(),
	updated_at timestamptz DEFAULT now()
);

-- Each order with the case of its patient.
CREATE TABLE order_cases (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	order_id uuid NOT NULL,
	case_id uuid NOT NULL,
	relationship_type text NOT NULL DEFAULT 'primary',
	legacy_instruction_id integer NOT NULL,
	legacy_patient_id integer NOT NULL,
	metadata jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz DEFAULT now()
);

-- dispatch_state rows that name an instruction.
CREATE TABLE order_states (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	order_id uuid NOT NULL,
	status_code integer NOT NULL,
	status_name text NOT NULL,
	is_active boolean NOT NULL,
	changed_by uuid,
	changed_at timestamptz NOT NULL,
	notes text,
	legacy_state_id integer NOT NULL,
	legacy_instruction_id integer NOT NULL,
	legacy_actor_id integer,
	metadata jsonb NOT NULL DEFAULT '{}'
);

-- Files ---------------------------------------------------------------

-- dispatch_file, every row.
CREATE TABLE files (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	file_uid text NOT NULL,
	filename text NOT NULL,
	extension text NOT NULL,
	file_type integer NOT NULL,
	mime_type text NOT NULL,
	file_size_bytes bigint,
	order_id uuid,
	uploaded_by uuid,
	uploaded_at timestamptz,
	status integer NOT NULL,
	description text,
	parameters_raw text,
	parameters jsonb GENERATED ALWAYS AS (ferry_try_jsonb(parameters_raw)) STORED,
	storage_path text,
	checksum text,
	legacy_file_id integer NOT NULL,
	legacy_instruction_id integer,
	legacy_record_id integer,
	legacy_product_id integer,
	metadata jsonb NOT NULL DEFAULT '{}'
);

-- dispatch_file rows that name an instruction.
CREATE TABLE order_files (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	order_id uuid NOT NULL,
	file_id uuid NOT NULL,
	category text NOT NULL CHECK (category IN ('scan', 'image', 'document',
		'package', 'model', 'simulation', 'analysis', 'final_package', 'other')),
	file_type integer NOT NULL,
	status integer NOT NULL,
	product_id integer,			-- the raw legacy value
	record_id integer,			-- the raw legacy value
	uploaded_at timestamptz,
	legacy_file_id integer NOT NULL,
	legacy_instruction_id integer NOT NULL,
	metadata jsonb NOT NULL DEFAULT '{}'
);

-- Messages ------------------------------------------------------------

-- dispatch_record rows whose generic FK names a patient or a user.  The
-- recipient is one of two real foreign keys, as recipient_type says.
CREATE TABLE messages (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	message_type text NOT NULL CHECK (message_type IN ('user_communication',
		'clinical_note', 'patient_communication', 'status_update', 'general')),
	title text,
	subject text,
	content text NOT NULL,
	sender_id uuid,
	recipient_type text NOT NULL CHECK (recipient_type IN ('patient', 'user')),
	recipient_patient_id uuid,
	recipient_profile_id uuid,
	is_read boolean NOT NULL DEFAULT false,
	legacy_record_id integer NOT NULL,
	legacy_type integer NOT NULL,
	legacy_target_type_id integer NOT NULL,
	legacy_target_id integer NOT NULL,
	legacy_author_id integer,
	metadata jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz,
	updated_at timestamptz,
	CONSTRAINT messages_one_recipient CHECK (
		(recipient_type = 'patient' AND recipient_patient_id IS NOT NULL
			AND recipient_profile_id IS NULL)
		OR (recipient_type = 'user' AND recipient_profile_id IS NOT NULL
			AND recipient_patient_id IS NULL))
);

-- Files attached to messages: dispatch_file.record_id, and the Django M2M
-- dispatch_record_attachments.  A (record, file) pair is one row.
CREATE TABLE message_attachments (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	message_id uuid NOT NULL,
	file_id uuid NOT NULL,
	attachment_type text NOT NULL DEFAULT 'file',
	source_table text NOT NULL CHECK (source_table IN ('dispatch_file',
		'dispatch_record_attachments')),
	legacy_record_id integer NOT NULL,
	legacy_file_id integer NOT NULL,
	legacy_attachment_id integer,		-- dispatch_record_attachments.id
	metadata jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz
);

-- Projects, treatment plans, comments ---------------------------------

CREATE TABLE projects (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	project_uid text NOT NULL,
	name text NOT NULL,
	size_bytes bigint,
	is_public boolean NOT NULL,
	project_type integer NOT NULL,
	status integer NOT NULL,
	creator_id uuid,
	legacy_project_id integer NOT NULL,
	legacy_creator_id integer,
	metadata jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz
);

-- dispatch_plan.
CREATE TABLE treatment_plans (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	project_id uuid NOT NULL,
	order_id uuid,
	patient_id uuid,
	doctor_id uuid,
	plan_number integer NOT NULL,
	plan_name text NOT NULL,
	plan_notes text,
	is_original boolean NOT NULL,
	treatment_type text NOT NULL CHECK (treatment_type IN ('initial_treatment',
		'revision')),
	revision_count integer NOT NULL CHECK (revision_count >= 0),
	legacy_plan_id integer NOT NULL,
	legacy_instruction_id integer,
	legacy_project_id integer NOT NULL,
	metadata jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz DEFAULT now()
);

-- dispatch_comment with text.
CREATE TABLE comments (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	content text NOT NULL CHECK (btrim(content) <> ''),
	comment_type comment_type NOT NULL DEFAULT 'treatment_discussion',
	treatment_plan_id uuid NOT NULL,
	author_id uuid,
	parent_comment_id uuid,
	legacy_table text NOT NULL DEFAULT 'dispatch_comment',
	legacy_comment_id integer NOT NULL,
	legacy_plan_id integer NOT NULL,
	legacy_author_id integer,
	metadata jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz,
	updated_at timestamptz
);

-- Each comment under its treatment plan: what the legacy data holds, no
-- thread structure added.
CREATE TABLE treatment_discussions (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	treatment_plan_id uuid NOT NULL,
	comment_id uuid NOT NULL,
	author_id uuid,
	author_role text,
	content text,
	is_visible_to_patient boolean NOT NULL DEFAULT true,
	legacy_comment_id integer NOT NULL,
	legacy_plan_id integer NOT NULL,
	legacy_author_id integer,
	metadata jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz
);

-- dispatch_comment again, as a message on the case the plan leads to
-- (plan -> order -> patient -> case).
CREATE TABLE case_messages (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	case_id uuid NOT NULL,
	sender_id uuid,
	recipient_id uuid,
	message_type text NOT NULL CHECK (message_type IN ('doctor_response',
		'patient_question', 'treatment_update', 'clinical_note')),
	subject text,
	content text NOT NULL,
	priority integer NOT NULL DEFAULT 1,
	is_urgent boolean NOT NULL DEFAULT false,
	is_confidential boolean NOT NULL DEFAULT false,
	requires_response boolean NOT NULL DEFAULT false,
	sent_at timestamptz,
	legacy_comment_id integer NOT NULL,
	legacy_plan_id integer NOT NULL,
	legacy_author_id integer,
	metadata jsonb NOT NULL DEFAULT '{}'
);

-- Technicians ---------------------------------------------------------

-- Members of auth_group 11 (Technician).
CREATE TABLE technicians (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	profile_id uuid NOT NULL,
	first_name text NOT NULL,
	last_name text NOT NULL,
	email text,
	employee_id text NOT NULL,
	phone text,
	specialty text,
	status member_status NOT NULL,
	is_active boolean NOT NULL,
	hire_date date,
	legacy_user_id integer NOT NULL,
	metadata jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz,
	updated_at timestamptz
);

-- dispatch_role rows of group 11, each on the technician of its own
-- user_id (NULL: a catalog role, or a user who is no technician).
CREATE TABLE technician_roles (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	technician_id uuid,
	role_id uuid NOT NULL,
	role_type technician_type NOT NULL,
	role_name text NOT NULL,
	abbreviation text NOT NULL,
	is_active boolean NOT NULL DEFAULT true,
	assigned_at timestamptz,
	legacy_role_id integer NOT NULL,
	legacy_user_id integer,
	metadata jsonb NOT NULL DEFAULT '{}'
);

-- Brackets, purchases -------------------------------------------------

-- dispatch_bracket: brackets recorded on projects.
CREATE TABLE brackets (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	name text NOT NULL CHECK (btrim(name) <> ''),
	bracket_type text NOT NULL,
	description text,
	material text NOT NULL,
	slot_size numeric(4, 3) CHECK (slot_size IN (0.018, 0.022)),
	torque text,
	angulation text,
	prescription text,
	base_shape text,
	tooth_position text,
	arch_type text NOT NULL DEFAULT 'both'
		CHECK (arch_type IN ('upper', 'lower', 'both')),
	manufacturer text NOT NULL,
	model_number text,
	sku text,
	unit_cost numeric(12, 2),
	active boolean NOT NULL DEFAULT true,
	project_id uuid,
	created_by uuid,
	legacy_bracket_id integer NOT NULL,
	legacy_project_id integer NOT NULL,
	legacy_type integer,
	metadata jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz DEFAULT now()
);

-- Paid dispatch_payment rows (dispatch_purchase is empty).  Every amount
-- column of the payment is kept, exact to the cent.
CREATE TABLE purchases (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	order_id uuid NOT NULL,
	product_id uuid,
	quantity integer NOT NULL DEFAULT 1 CHECK (quantity > 0),
	unit_price numeric(12, 2) NOT NULL,
	total_amount numeric(12, 2) NOT NULL CHECK (total_amount > 0),
	subtotal_amount numeric(12, 2),
	paid_amount numeric(12, 2),
	tax_rate numeric(7, 6) CHECK (tax_rate >= 0 AND tax_rate < 1),
	tax_amount numeric(12, 2),
	used_credit numeric(12, 2),
	additional_amount numeric(12, 2),
	custom_amount numeric(12, 2),
	is_free boolean NOT NULL,
	installments integer,
	purchased_at timestamptz,
	legacy_payment_id integer NOT NULL,
	legacy_instruction_id integer NOT NULL,
	legacy_order_id integer,
	legacy_doctor_id integer,
	legacy_office_id integer,
	legacy_tax_rate numeric(8, 5),
	metadata jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz DEFAULT now()
);

-- Templates -----------------------------------------------------------

CREATE TABLE templates (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	name text NOT NULL,
	action_name text,
	category_id uuid,
	is_active boolean NOT NULL,
	estimated_duration_minutes integer,
	legacy_template_id integer NOT NULL,
	legacy_category_id integer,
	metadata jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz DEFAULT now()
);

-- The Django junctions, one row per junction row.
CREATE TABLE template_view_groups (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	template_id uuid NOT NULL,
	team_id uuid NOT NULL,
	legacy_junction_id integer NOT NULL,
	legacy_template_id integer NOT NULL,
	legacy_group_id integer NOT NULL,
	metadata jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz DEFAULT now()
);

CREATE TABLE template_view_roles (
	id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	template_id uuid NOT NULL,
	role_id uuid NOT NULL,
	permission_level text NOT NULL DEFAULT 'view',
	legacy_junction_id integer NOT NULL,
	legacy_template_id integer NOT NULL,
	legacy_role_id integer NOT NULL,
	metadata jsonb NOT NULL DEFAULT '{}',
	created_at timestamptz DEFAULT now()
);

-- ferry: constraints
-- Keys: the UNIQUE constraints.  Each legacy key is the `--key` of its
-- load.  A bulk load may drop and rebuild them (ferry-load --fresh).

ALTER TABLE teams ADD UNIQUE (legacy_group_id);
ALTER TABLE categories ADD UNIQUE (legacy_category_id);
ALTER TABLE offices ADD UNIQUE (legacy_office_id);
ALTER TABLE profiles ADD UNIQUE (legacy_user_id),
	ADD UNIQUE (legacy_patient_id);
ALTER TABLE roles ADD UNIQUE (legacy_role_id);
ALTER TABLE doctors ADD UNIQUE (legacy_user_id),
	ADD UNIQUE (profile_id),
	ADD UNIQUE (doctor_number);
ALTER TABLE doctor_offices ADD UNIQUE (legacy_office_doctor_id),
	ADD UNIQUE (doctor_id, office_id);
ALTER TABLE patients ADD UNIQUE (legacy_patient_id),
	ADD UNIQUE (profile_id),
	ADD UNIQUE (patient_number);
ALTER TABLE cases ADD UNIQUE (legacy_patient_id),
	ADD UNIQUE (case_number);
ALTER TABLE products ADD UNIQUE (legacy_product_id);
ALTER TABLE orders ADD UNIQUE (legacy_instruction_id),
	ADD UNIQUE (order_number);
ALTER TABLE order_cases ADD UNIQUE (legacy_instruction_id),
	ADD UNIQUE (order_id, case_id);
ALTER TABLE order_states ADD UNIQUE (legacy_state_id);
ALTER TABLE files ADD UNIQUE (legacy_file_id);
ALTER TABLE order_files ADD UNIQUE (legacy_file_id),
	ADD UNIQUE (order_id, file_id);
ALTER TABLE messages ADD UNIQUE (legacy_record_id);
ALTER TABLE message_attachments ADD UNIQUE (legacy_record_id, legacy_file_id),
	ADD UNIQUE (message_id, file_id),
	ADD UNIQUE (legacy_attachment_id);
ALTER TABLE projects ADD UNIQUE (legacy_project_id);
ALTER TABLE treatment_plans ADD UNIQUE (legacy_plan_id);
ALTER TABLE comments ADD UNIQUE (legacy_comment_id);
ALTER TABLE treatment_discussions ADD UNIQUE (legacy_comment_id),
	ADD UNIQUE (comment_id);
ALTER TABLE case_messages ADD UNIQUE (legacy_comment_id);
ALTER TABLE technicians ADD UNIQUE (legacy_user_id),
	ADD UNIQUE (profile_id);
ALTER TABLE technician_roles ADD UNIQUE (legacy_role_id);
ALTER TABLE brackets ADD UNIQUE (legacy_bracket_id);
ALTER TABLE purchases ADD UNIQUE (legacy_payment_id);
ALTER TABLE templates ADD UNIQUE (legacy_template_id);
ALTER TABLE template_view_groups ADD UNIQUE (legacy_junction_id),
	ADD UNIQUE (template_id, team_id);
ALTER TABLE template_view_roles ADD UNIQUE (legacy_junction_id),
	ADD UNIQUE (template_id, role_id);

-- ferry: foreign keys
-- Added after every table is loaded on the fast path (pipelines/migrate
-- --fresh), which then names the rows that violate one.

ALTER TABLE categories ADD FOREIGN KEY (parent_id) REFERENCES categories (id);
ALTER TABLE roles ADD FOREIGN KEY (team_id) REFERENCES teams (id);
ALTER TABLE doctors ADD FOREIGN KEY (profile_id) REFERENCES profiles (id),
	ADD FOREIGN KEY (primary_office_id) REFERENCES offices (id);
ALTER TABLE doctor_offices ADD FOREIGN KEY (doctor_id) REFERENCES doctors (id),
	ADD FOREIGN KEY (office_id) REFERENCES offices (id);
ALTER TABLE patients ADD FOREIGN KEY (profile_id) REFERENCES profiles (id),
	ADD FOREIGN KEY (primary_doctor_id) REFERENCES doctors (id),
	ADD FOREIGN KEY (assigned_office_id) REFERENCES offices (id);
ALTER TABLE cases ADD FOREIGN KEY (patient_id) REFERENCES patients (id),
	ADD FOREIGN KEY (primary_doctor_id) REFERENCES doctors (id),
	ADD FOREIGN KEY (office_id) REFERENCES offices (id);
ALTER TABLE orders ADD FOREIGN KEY (patient_id) REFERENCES patients (id),
	ADD FOREIGN KEY (doctor_id) REFERENCES doctors (id),
	ADD FOREIGN KEY (office_id) REFERENCES offices (id);
ALTER TABLE order_cases ADD FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE,
	ADD FOREIGN KEY (case_id) REFERENCES cases (id) ON DELETE CASCADE;
ALTER TABLE order_states ADD FOREIGN KEY (order_id) REFERENCES orders (id),
	ADD FOREIGN KEY (changed_by) REFERENCES profiles (id);
ALTER TABLE files ADD FOREIGN KEY (order_id) REFERENCES orders (id),
	ADD FOREIGN KEY (uploaded_by) REFERENCES profiles (id);
ALTER TABLE order_files ADD FOREIGN KEY (order_id) REFERENCES orders (id),
	ADD FOREIGN KEY (file_id) REFERENCES files (id);
ALTER TABLE messages ADD FOREIGN KEY (sender_id) REFERENCES profiles (id),
	ADD FOREIGN KEY (recipient_patient_id) REFERENCES patients (id),
	ADD FOREIGN KEY (recipient_profile_id) REFERENCES profiles (id);
ALTER TABLE message_attachments ADD FOREIGN KEY (message_id) REFERENCES messages (id),
	ADD FOREIGN KEY (file_id) REFERENCES files (id);
ALTER TABLE projects ADD FOREIGN KEY (creator_id) REFERENCES profiles (id);
ALTER TABLE treatment_plans ADD FOREIGN KEY (project_id) REFERENCES projects (id),
	ADD FOREIGN KEY (order_id) REFERENCES orders (id),
	ADD FOREIGN KEY (patient_id) REFERENCES patients (id),
	ADD FOREIGN KEY (doctor_id) REFERENCES doctors (id);
ALTER TABLE comments ADD FOREIGN KEY (treatment_plan_id) REFERENCES treatment_plans (id),
	ADD FOREIGN KEY (author_id) REFERENCES profiles (id),
	ADD FOREIGN KEY (parent_comment_id) REFERENCES comments (id);
ALTER TABLE treatment_discussions ADD FOREIGN KEY (treatment_plan_id) REFERENCES treatment_plans (id),
	ADD FOREIGN KEY (comment_id) REFERENCES comments (id),
	ADD FOREIGN KEY (author_id) REFERENCES profiles (id);
ALTER TABLE case_messages ADD FOREIGN KEY (case_id) REFERENCES cases (id),
	ADD FOREIGN KEY (sender_id) REFERENCES profiles (id),
	ADD FOREIGN KEY (recipient_id) REFERENCES profiles (id);
ALTER TABLE technicians ADD FOREIGN KEY (profile_id) REFERENCES profiles (id);
ALTER TABLE technician_roles ADD FOREIGN KEY (technician_id) REFERENCES technicians (id),
	ADD FOREIGN KEY (role_id) REFERENCES roles (id);
ALTER TABLE brackets ADD FOREIGN KEY (project_id) REFERENCES projects (id),
	ADD FOREIGN KEY (created_by) REFERENCES profiles (id);
ALTER TABLE purchases ADD FOREIGN KEY (order_id) REFERENCES orders (id),
	ADD FOREIGN KEY (product_id) REFERENCES products (id);
ALTER TABLE templates ADD FOREIGN KEY (category_id) REFERENCES categories (id);
ALTER TABLE template_view_groups ADD FOREIGN KEY (template_id) REFERENCES templates (id),
	ADD FOREIGN KEY (team_id) REFERENCES teams (id);
ALTER TABLE template_view_roles ADD FOREIGN KEY (template_id) REFERENCES templates (id),
	ADD FOREIGN KEY (role_id) REFERENCES roles (id);
