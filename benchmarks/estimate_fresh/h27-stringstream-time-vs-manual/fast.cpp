#include <bits/stdc++.h>
using namespace std;

// Log lines "HH:MM:SS HH:MM:SS name": total and longest session, sessions per name.
static int two(const string& s, size_t at) { return (s[at] - '0') * 10 + (s[at + 1] - '0'); }

int main() {
    int n;
    string line;
    getline(cin, line);
    n = stoi(line);
    long long total = 0;
    int longest = -1;
    string who;
    map<string, int> perName;
    for (int i = 0; i < n; i++) {
        getline(cin, line);
        // fixed layout: HH:MM:SS at 0, HH:MM:SS at 9, name from 18
        int t1 = two(line, 0) * 3600 + two(line, 3) * 60 + two(line, 6);
        int t2 = two(line, 9) * 3600 + two(line, 12) * 60 + two(line, 15);
        size_t end = line.find_last_not_of(" \r");
        string name = line.substr(18, end + 1 - 18);
        int d = t2 - t1;
        if (d < 0) d += 24 * 3600;
        total += d;
        if (d > longest) { longest = d; who = name; }
        perName[name]++;
    }
    printf("%lld %d %s %zu\n", total, longest, who.c_str(), perName.size());
    return 0;
}
