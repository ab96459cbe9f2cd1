#include <iostream>
#include <string>
using namespace std;

int main() {
    string s, t;
    cin >> s >> t;
    int k = t.size(), hits = 0, misses = 0;
    for (int i = 0; i + k <= (int)s.size(); i++) {
        if ((s.compare(i, k, t) == 0)) hits++;
        if ((s.compare(i, std::string::npos, "ab") != 0)) misses++;
    }
    cout << hits << " " << misses << "\n";
}
