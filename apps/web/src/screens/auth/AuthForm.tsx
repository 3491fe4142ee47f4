import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { session } from '../../api/session';
import { Link } from '../../app/router';
import { SignInDocument, SignUpDocument } from '../../generated/graphql';
import { ErrorText } from '../../ui/errors';

export function AuthForm({ mode }: { mode: 'signIn' | 'signUp' }) {
  const [signIn, runSignIn] = useMutation(SignInDocument);
  const [signUp, runSignUp] = useMutation(SignUpDocument);
  const [fields, setFields] = useState({ login: '', handle: '', email: '', password: '' });
  // The fields as last sent: the answer's error stands until one of them is edited.
  const [sent, setSent] = useState(fields);
  const signingUp = mode === 'signUp';
  const result = signingUp ? signUp : signIn;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSent(fields);
    const token = signingUp
      ? (
          await runSignUp({
            input: { handle: fields.handle, email: fields.email, password: fields.password },
          })
        ).data?.signUp.token
      : (await runSignIn({ input: { login: fields.login, password: fields.password } })).data
          ?.signIn.token;
    if (token) session.setToken(token);
  };
  const field = (name: keyof typeof fields) => ({
    value: fields[name],
    onChange: (event: { target: { value: string } }) =>
      setFields((current) => ({ ...current, [name]: event.target.value })),
  });

  return (
    <section className="card narrow" aria-labelledby="auth-title">
      <h1 id="auth-title">{signingUp ? 'Create your account' : 'Sign in to seeit'}</h1>
      <form onSubmit={(event) => void submit(event)}>
        {signingUp ? (
          <>
            <label>
              Handle
              <input required autoComplete="username" {...field('handle')} />
            </label>
            <label>
              Email
              <input required type="email" autoComplete="email" {...field('email')} />
            </label>
          </>
        ) : (
          <label>
            Handle or email
            <input required autoComplete="username" {...field('login')} />
          </label>
        )}
        <label>
          Password
          <input
            required
            type="password"
            minLength={signingUp ? 8 : 1}
            autoComplete={signingUp ? 'new-password' : 'current-password'}
            {...field('password')}
          />
        </label>
        <ErrorText error={sent === fields ? result.error : undefined} />
        <button type="submit" disabled={result.fetching}>
          {signingUp ? 'Sign up' : 'Sign in'}
        </button>
      </form>
      <p>
        {signingUp ? (
          <>
            Have an account? <Link href="/signin">Sign in instead</Link>
          </>
        ) : (
          <>
            New here? <Link href="/signup">Create an account</Link>
          </>
        )}
      </p>
    </section>
  );
}
