import { ResponseError } from '@backstage/errors';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { ComponentType, useState } from 'react';

/** A refusal of the Hostplane API as `HostplaneClient` throws it. */
export function refusal(
  status: number,
  message: string,
): Promise<ResponseError> {
  return ResponseError.fromResponse({
    ok: false,
    status,
    statusText: 'Refused',
    url: 'http://localhost:7007/api/hostplane',
    redirected: false,
    type: 'basic',
    headers: { get: () => 'application/json' } as unknown as Headers,
    text: async () =>
      JSON.stringify({
        error: { name: 'Error', message },
        response: { statusCode: status },
      }),
  });
}

type AnyFieldProps = FieldExtensionComponentProps<string, any>;

/**
 * A field as the scaffolder's form renders it: its value kept here, the whole form's data in
 * `formContext.formData`, and a button that changes the form's `hub` field.
 */
export function FieldHarness(props: {
  field: ComponentType<AnyFieldProps>;
  initial?: string;
  hub?: string;
  otherHub?: string;
  uiOptions?: Record<string, unknown>;
  onChange?: (value: string | undefined) => void;
}) {
  const Field = props.field;
  const [value, setValue] = useState(props.initial);
  const [hub, setHub] = useState(props.hub);
  const fieldProps = {
    name: 'field',
    formData: value,
    onChange: (next: string | undefined) => {
      props.onChange?.(next);
      setValue(next);
    },
    onBlur: () => {},
    onFocus: () => {},
    required: true,
    disabled: false,
    readonly: false,
    rawErrors: [],
    idSchema: { $id: 'root_field' },
    schema: { type: 'string' },
    uiSchema: { 'ui:options': props.uiOptions ?? {} },
    formContext: { formData: { hub, field: value } },
    registry: {},
  } as unknown as AnyFieldProps;
  return (
    <>
      <Field {...fieldProps} />
      {props.otherHub && (
        <button type="button" onClick={() => setHub(props.otherHub)}>
          Switch to hub {props.otherHub}
        </button>
      )}
    </>
  );
}
