#include <deque>
#include <iostream>
#include <string>
using namespace std;

deque<int> ring, wanted;

int main() {
    int n;
    cin >> n;
    for (int i = 0; i < n; i++) {
        int x;
        cin >> x;
        ring.push_back(x);
    }
    for (int i = 0; i < n; i++) {
        int x;
        cin >> x;
        wanted.push_back(x);
    }
    long long tries = 0;
    std::size_t pie_turns_1 = 0;
    while (ring != wanted) {
        int last = ring.back();
        ring.pop_back();
        ring.push_front(last);
        if (tries >= 3000000) break;
        tries++;
        if (++pie_turns_1 >= ring.size()) break;  // every rotation seen
    }
    cout << (ring == wanted ? "same necklace" : "different") << "\n";
}
