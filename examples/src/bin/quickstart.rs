//! A first session with learnloop: preview and answer cards, turn quiz
//! mistakes into review cards, then look at the due queue and the forecast.
//!
//! Run: `cargo run -p learnloop-examples --bin quickstart`

use chrono::{TimeDelta, TimeZone, Utc};
use learnloop::srs::{
    AnsweredQuestion, Fsrs, QueueOptions, Rating, Scheduler, cards_from_mistakes, due_queue,
    forecast,
};

fn main() -> Result<(), learnloop::Error> {
    let fsrs = Fsrs::default();
    let start = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();

    // A quiz was just taken: the wrong answers become review cards.
    let answers = [
        ("photosynthesis-inputs", false),
        ("mitochondria-role", true),
        ("krebs-cycle-output", false),
        ("photosynthesis-inputs", false),
    ]
    .map(|(id, correct)| AnsweredQuestion {
        question_id: id.to_string(),
        correct,
    });
    let mut cards = cards_from_mistakes(&answers, &[], start);
    println!("{} review cards from the quiz's mistakes:", cards.len());

    // What each answer would do to the first card.
    let preview = fsrs.preview(&cards[0], start)?;
    for rating in Rating::ALL {
        let outcome = preview.get(rating);
        println!(
            "  {:<6} -> {:<10} due {}",
            rating,
            outcome.card.state,
            outcome.card.due.to_datetime().format("%Y-%m-%d %H:%M")
        );
    }

    // The learner studies for two weeks, answering Good, or Again on the
    // Krebs cycle the first time it comes back.
    let mut now = start;
    for day in 0..14 {
        let queue = due_queue(&cards, now, &QueueOptions::default());
        for i in queue.iter().collect::<Vec<_>>() {
            let rating = if cards[i].id == "krebs-cycle-output" && cards[i].reps == 2 {
                Rating::Again
            } else {
                Rating::Good
            };
            let at = now.max(cards[i].due.to_datetime());
            cards[i] = fsrs.review(&cards[i], rating, at)?.card;
            // Finish the day's learning steps.
            while cards[i].due < now + TimeDelta::hours(12) {
                let due = cards[i].due;
                cards[i] = fsrs.review(&cards[i], Rating::Good, due)?.card;
            }
        }
        if day == 13 {
            break;
        }
        now += TimeDelta::days(1);
    }

    println!("\nafter two weeks ({}):", now.date_naive());
    for card in &cards {
        let memory = card.memory.expect("reviewed");
        println!(
            "  {:<24} {} reviews, {} lapse(s), stability {:>5.1} d, recall now {:.2}, due {}",
            card.id,
            card.reps,
            card.lapses,
            memory.stability,
            fsrs.card_retrievability(card, now),
            card.due.to_datetime().date_naive()
        );
    }
    println!(
        "\ndue per day for the next 10 days: {:?}",
        forecast(&cards, now, 10)?
    );
    Ok(())
}
