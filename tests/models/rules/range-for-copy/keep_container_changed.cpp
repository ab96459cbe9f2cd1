#include <iostream>
#include <string>
#include <vector>
using namespace std;

int main() {
    vector<string> words = {"b", "a"};
    vector<string>& same = words;
    for (auto w : words) {
        same[1] = "z";
        cout << w << "\n";
    }
}
