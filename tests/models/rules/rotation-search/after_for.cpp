#include <bits/stdc++.h>
using namespace std;

int main() {
    string s, t;
    cin >> s >> t;
    std::size_t pie_turns_1 = 0;
    for (int k = 0; k < 100000; k++) {
        if (s == t) {
            cout << "Yes after " << k << endl;
            return 0;
        }
        rotate(s.begin(), s.begin() + 1, s.end());
        if (++pie_turns_1 >= s.size()) break;  // every rotation seen
    }
    cout << "No" << endl;
    return 0;
}
