// Posting: up to 280 characters, counted as the API counts them (trimmed, by code point).
import { useId, useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { CreatePostDocument, type PostCardFragment } from '../../generated/graphql';
import { ErrorText } from '../../ui/errors';
import { counted } from '../../ui/plural';

const MAX = 280;

export function Composer({ onPosted }: { onPosted: (post: PostCardFragment) => void }) {
  const [text, setText] = useState('');
  const [result, create] = useMutation(CreatePostDocument);
  const counterId = useId();
  const length = [...text.trim()].length;
  const left = MAX - length;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const posted = (await create({ input: { text } })).data?.createPost;
    if (!posted) return;
    setText('');
    onPosted(posted);
  };

  return (
    <form className="card composer" onSubmit={(event) => void submit(event)}>
      <label htmlFor={`${counterId}-text`}>What is happening?</label>
      <textarea
        id={`${counterId}-text`}
        value={text}
        rows={3}
        aria-describedby={counterId}
        onChange={(event) => setText(event.target.value)}
      />
      <div className="composer-foot">
        <span id={counterId} className={left < 0 ? 'error' : 'muted'} aria-live="polite">
          {left < 0
            ? `${counted(-left, 'character')} too many`
            : `${counted(left, 'character')} left`}
        </span>
        <button
          type="submit"
          className="primary"
          disabled={length === 0 || left < 0 || result.fetching}
        >
          Post
        </button>
      </div>
      <ErrorText error={result.error} />
    </form>
  );
}
